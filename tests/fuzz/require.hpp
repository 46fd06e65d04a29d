#pragma once
/// The fuzz targets' property check: names the property that failed and aborts, so
/// libFuzzer keeps the input that broke it.

#include <cstdio>
#include <cstdlib>

#define REQUIRE(holds)                                                                  \
    do {                                                                                \
        if (!(holds)) {                                                                 \
            std::fprintf(stderr, "property failed at line %d: %s\n", __LINE__, #holds); \
            std::abort();                                                               \
        }                                                                               \
    } while (false)
