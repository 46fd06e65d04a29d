#define BOOST_TEST_MODULE hub
#include <boost/test/unit_test.hpp>
