// Running one piece of a run to completion whatever its siblings do.
#pragma once

#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

namespace clvsim {

// Runs `work` (which may use parallel loops) in a task context of its own
// and returns when it is done, rethrowing what it throws. Why: when a
// sibling task throws, oneTBB cancels the enclosing context, and every loop
// bound to it returns early *without* an exception, leaving half-made
// tallies that look finished. An isolated context runs on until `work`
// itself stops (it polls the run's cancel flag) or finishes. Isolation also
// keeps this thread, while it waits, from picking up sibling tasks.
template <typename Work>
void run_isolated(const Work& work) {
  tbb::task_group_context own(tbb::task_group_context::isolated);
  tbb::task_group group(own);
  tbb::this_task_arena::isolate([&] { group.run_and_wait([&] { work(); }); });
}

}  // namespace clvsim
