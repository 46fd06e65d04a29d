#include "db/pool.hpp"

#include "db/pool_impl.hpp"

namespace riziki::db {

Pool::Pool(const std::string& conninfo, std::size_t size)
    : size_(size), impl_(std::make_unique<Impl>(size)) {
    for (std::size_t i = 0; i < size; ++i)
        open_session(impl_->pool.at(i), conninfo);
}

Pool::~Pool() = default;

}  // namespace riziki::db
