/*
 * startup.c: the process layer's side of the handle table
 * (core/handle.h's wipc_handle_hooks).
 */
#include "../core/handle.h"
#include "../objects/sync.h"
#include "inherit.h"
#include "process.h"
#include "service.h"

static void startup_process_start(void)
{
    /* First: exit handlers run in reverse, so winipc's runs after those
     * the program registers, as late as it can. */
    wipc_process_init_exit();
    /* Names of events, mutexes, semaphores reach other processes' objects
     * through their handle services. */
    wipc_sync_name_set_fetch(wipc_service_fetch_sync, wipc_service_ensure);
    wipc_inherit_adopt();
}

const struct wipc_handle_hooks wipc_handle_hooks = {
    .process_start = startup_process_start,
    .before_alloc = wipc_service_ensure,
    .self_process = wipc_process_self,
    .self_thread = wipc_thread_self,
};
