// Growing a Simulation the way a run asks: from a saved checkpoint, in
// checkpointed chunks, saving what is complete when interrupted. Shared by
// run_simulation() and run_to_precision().
#pragma once

#include <cstdint>
#include <string>

#include "clvsim/scenario.hpp"
#include "clvsim/simulation.hpp"

namespace clvsim {

// options.cluster, or this process alone.
Cluster& cluster_of(const RunOptions& options);

// With options.checkpoint, restores its saved image into the fresh
// `simulation` (counting it as done progress) and returns its replication
// count; else 0. `plan` and `max_replications` as Checkpoint::resume().
std::uint32_t resume_saved_work(Simulation& simulation, const Scenario& scenario,
                                const RunOptions& options, const std::string& plan,
                                std::uint32_t max_replications);

// simulation.add_replications(count); with options.checkpoint, in chunks
// of `chunk` replications (0: Checkpoint::chunk()), each offered to the
// checkpoint as it completes, and on RunCancelled the last completed chunk
// is saved before rethrowing.
void grow(Simulation& simulation, std::uint32_t count, const RunOptions& options,
          std::uint32_t chunk = 0);

}  // namespace clvsim
