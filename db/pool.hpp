#pragma once
/// The connections the reads and record writes share (JournalReads, Credentials, Programme,
/// ReportReads each borrow one pool). Thread-safe: each call borrows a connection from a
/// fixed-size pool. A lost connection throws DatabaseUnavailable and is re-opened for the
/// next call.

#include <cstddef>
#include <memory>
#include <string>

namespace riziki::db {

class Pool {
  public:
    /// Opens `size` connections to `conninfo`.
    Pool(const std::string& conninfo, std::size_t size);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    std::size_t size() const { return size_; }

    /// Defined in db/pool_impl.hpp, for db/ only.
    struct Impl;
    Impl& impl() { return *impl_; }

  private:
    std::size_t size_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace riziki::db
