# One INTERFACE target carries the warning flags for every library and program.
add_library(riziki_warnings INTERFACE)
target_compile_options(riziki_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
                       -Woverloaded-virtual -Wimplicit-fallthrough)
option(RIZIKI_WERROR "Treat warnings as errors" OFF)
if(RIZIKI_WERROR)
    target_compile_options(riziki_warnings INTERFACE -Werror)
endif()
