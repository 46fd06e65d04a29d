// The one translation unit that defines the module (and Boost.Test's main).
#define BOOST_TEST_MODULE ledger
#include <boost/test/unit_test.hpp>
