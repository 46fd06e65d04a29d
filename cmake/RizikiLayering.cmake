# Configure-time checks that the libraries depend on each other only as docs/ARCHITECTURE.md
# says. Both walk a target's link libraries transitively: LINK_LIBRARIES and
# INTERFACE_LINK_LIBRARIES(_DIRECT) of every target reached, aliases resolved to the target
# they name, $<LINK_ONLY:x> (how a static library passes on its PRIVATE links) read as x, and
# any target named inside another generator expression counted as linked.
#
#   riziki_forbid_links(<target> <forbidden>...)   fails if <target> reaches any <forbidden>
#   riziki_allow_only_links(<target> <allowed>...) fails if it reaches anything else

# The real name of `item` when it is a target (an alias gives the target it names).
function(_riziki_real_name item out)
    if(TARGET "${item}")
        get_target_property(aliased "${item}" ALIASED_TARGET)
        if(aliased)
            set(item "${aliased}")
        endif()
    endif()
    set(${out} "${item}" PARENT_SCOPE)
endfunction()

# The link items of one target, as real names.
function(_riziki_direct_links target out)
    set(items "")
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES INTERFACE_LINK_LIBRARIES_DIRECT)
        get_target_property(value "${target}" ${property})
        if(value)
            list(APPEND items ${value})
        endif()
    endforeach()
    set(links "")
    foreach(item IN LISTS items)
        # Markers CMake puts around links made from another directory.
        if(item MATCHES "^::@")
            continue()
        endif()
        string(REGEX REPLACE "^\\$<LINK_ONLY:([^$<>]*)>$" "\\1" item "${item}")
        if(item MATCHES "\\$<")
            # Any other generator expression: every target it names counts.
            string(REPLACE "::" "\n" item "${item}")
            string(REGEX REPLACE "[$<>:,]+" ";" tokens "${item}")
            foreach(token IN LISTS tokens)
                string(REPLACE "\n" "::" token "${token}")
                if(TARGET "${token}")
                    _riziki_real_name("${token}" token)
                    list(APPEND links "${token}")
                endif()
            endforeach()
        elseif(NOT item STREQUAL "")
            _riziki_real_name("${item}" item)
            list(APPEND links "${item}")
        endif()
    endforeach()
    list(REMOVE_DUPLICATES links)
    set(${out} "${links}" PARENT_SCOPE)
endfunction()

# Everything `target` links, directly or not; for each item reached, _riziki_via_<item> in the
# caller's scope names what linked it first, so a failure can show the chain.
macro(_riziki_link_closure target out)
    _riziki_real_name("${target}" _riziki_root)
    set(${out} "")
    set(_riziki_queue "${_riziki_root}")
    while(_riziki_queue)
        list(POP_FRONT _riziki_queue _riziki_current)
        if(NOT TARGET "${_riziki_current}")
            continue()
        endif()
        _riziki_direct_links("${_riziki_current}" _riziki_links)
        foreach(_riziki_link IN LISTS _riziki_links)
            if(NOT _riziki_link IN_LIST ${out} AND NOT _riziki_link STREQUAL _riziki_root)
                list(APPEND ${out} "${_riziki_link}")
                set("_riziki_via_${_riziki_link}" "${_riziki_current}")
                list(APPEND _riziki_queue "${_riziki_link}")
            endif()
        endforeach()
    endwhile()
endmacro()

# "a -> b -> c": how `target` reaches `item`.
function(_riziki_chain target item out)
    set(chain "${item}")
    while(DEFINED "_riziki_via_${item}")
        set(item "${_riziki_via_${item}}")
        string(PREPEND chain "${item} -> ")
    endwhile()
    set(${out} "${chain}" PARENT_SCOPE)
endfunction()

function(riziki_forbid_links target)
    _riziki_link_closure("${target}" reached)
    foreach(forbidden IN LISTS ARGN)
        _riziki_real_name("${forbidden}" forbidden)
        if(forbidden IN_LIST reached)
            _riziki_chain("${target}" "${forbidden}" chain)
            message(FATAL_ERROR "${target} must not link ${forbidden}, but does: ${chain} "
                                "(see docs/ARCHITECTURE.md)")
        endif()
    endforeach()
endfunction()

function(riziki_allow_only_links target)
    set(allowed "")
    foreach(item IN LISTS ARGN)
        _riziki_real_name("${item}" item)
        list(APPEND allowed "${item}")
    endforeach()
    list(JOIN ARGN ", " allowed_text)
    _riziki_link_closure("${target}" reached)
    foreach(item IN LISTS reached)
        if(NOT item IN_LIST allowed)
            _riziki_chain("${target}" "${item}" chain)
            message(FATAL_ERROR "${target} may link only ${allowed_text}, but links ${item}: ${chain} "
                                "(see docs/ARCHITECTURE.md)")
        endif()
    endforeach()
endfunction()
