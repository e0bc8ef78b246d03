// Saving a long run's completed work, and resuming from it.
//
// A checkpoint file holds a SimulationImage (the statistics of the
// replications reduced so far: tallies, never customers) and what it belongs
// to: the clvsim version, the resolved scenario (its replication count
// aside, so a finished run can be extended) and the run's plan for choosing
// its replication count. Work is saved at replication boundaries only, so a
// resumed run does exactly the rest of a straight run and its outputs are
// the same bytes. The image does not depend on thread or rank counts, so
// any layout may resume any checkpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "clvsim/cluster.hpp"
#include "clvsim/scenario.hpp"
#include "clvsim/simulation.hpp"

namespace clvsim {

// What a checkpoint says it is, beside its image.
struct CheckpointHeader {
  std::string version;   // clvsim's
  std::string plan;      // "fixed", or the precision target and batch
  std::string scenario;  // resolved YAML, replications set to 0
};

// The file's bytes for `image`: a text header, the image in binary
// (little-endian), a CRC-32 of everything before it.
std::string encode_checkpoint(const CheckpointHeader& header, const SimulationImage& image);

// The inverse. Throws InputError naming `file` when `bytes` are not a
// whole, undamaged checkpoint; never reads past them.
void decode_checkpoint(const std::string& bytes, const std::string& file,
                       CheckpointHeader& header, SimulationImage& image);

// The header a run of `scenario` under `plan` writes and accepts.
CheckpointHeader checkpoint_header(const Scenario& scenario, const std::string& plan);

class Checkpoint {
 public:
  // Saves to `path` at most every `every_seconds` (0: after every chunk).
  Checkpoint(std::filesystem::path path, double every_seconds);

  // The image to resume from, or nullopt when there is no file at `path`.
  // Throws InputError (exit 2) naming the file when it is damaged, belongs
  // to another scenario (the first differing line is quoted), seed,
  // version or plan, or holds more than `max_replications`. Collective:
  // rank 0 reads the file and sends it to every rank. Also fixes the header
  // later writes use.
  std::optional<SimulationImage> resume(Cluster& cluster, const Scenario& scenario,
                                        const std::string& plan,
                                        std::uint32_t max_replications);

  // After each completed chunk of replications, on every rank (collective:
  // it takes the image). Rank 0 writes it atomically once every_seconds
  // have passed since its last write.
  void completed(const Simulation& simulation, const Cluster& cluster);

  // Rank 0 writes the last completed image now unless it already has (at
  // the end of a run). No collective.
  void flush(const Cluster& cluster);

  // flush() for a run being interrupted: says what it saved, and never
  // throws (a failure is reported on stderr; the run is ending anyway).
  void save_latest(const Cluster& cluster) noexcept;

  // Replications per chunk: enough for every thread of every rank, few
  // enough that a kill loses little.
  static std::uint32_t chunk(int threads, int ranks);

  const std::filesystem::path& path() const { return path_; }
  // Replications restored by resume(), for messages.
  std::uint32_t resumed_replications() const { return resumed_; }

 private:
  void write(const SimulationImage& image);

  std::filesystem::path path_;
  double every_seconds_;
  CheckpointHeader header_;
  std::optional<SimulationImage> latest_;
  bool latest_written_ = true;
  std::chrono::steady_clock::time_point last_write_;
  std::uint32_t resumed_ = 0;
};

}  // namespace clvsim
