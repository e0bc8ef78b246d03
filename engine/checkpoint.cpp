// When a run saves its checkpoint, and whether one it finds is its own.
#include <iostream>
#include <sstream>

#include "clvsim/checkpoint.hpp"
#include "clvsim/error.hpp"
#include "clvsim/outputs.hpp"
#include "yaml_checked.hpp"

namespace clvsim {
namespace {

// "line 12: 'a' here, 'b' in the checkpoint": what changed, for the message.
std::string first_difference(const std::string& ours, const std::string& theirs) {
  std::istringstream a(ours), b(theirs);
  std::string line_a, line_b;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) return "";
    if (!more_a) line_a = "(end)";
    if (!more_b) line_b = "(end)";
    if (line_a != line_b || !more_a || !more_b) {
      return "resolved scenario line " + std::to_string(line) + ": '" + line_a +
             "' now, '" + line_b + "' in the checkpoint";
    }
  }
}

}  // namespace

Checkpoint::Checkpoint(std::filesystem::path path, double every_seconds)
    : path_(std::move(path)), every_seconds_(every_seconds),
      last_write_(std::chrono::steady_clock::now()) {}

std::uint32_t Checkpoint::chunk(int threads, int ranks) {
  return static_cast<std::uint32_t>(std::max(threads, 1)) *
         static_cast<std::uint32_t>(std::max(ranks, 1));
}

std::optional<SimulationImage> Checkpoint::resume(Cluster& cluster, const Scenario& scenario,
                                                  const std::string& plan,
                                                  std::uint32_t max_replications) {
  header_ = checkpoint_header(scenario, plan);
  const std::string file = path_.string();
  // Rank 0 reads; "" (no file) or "F" + bytes goes to every rank, so ranks
  // on nodes without a shared file system resume too.
  std::string bytes;
  std::string problem;
  if (cluster.is_root()) {
    std::error_code ec;
    if (std::filesystem::exists(path_, ec)) {
      try {
        bytes = "F" + read_input_file(file);
      } catch (const InputError& e) {
        problem = e.what();
      }
    }
    if (!problem.empty()) bytes = "E" + problem;
  }
  cluster.broadcast(bytes);
  if (bytes.empty()) return std::nullopt;
  if (bytes[0] == 'E') {
    throw InputError(file, {}, "", "cannot read the checkpoint: " + bytes.substr(1),
                     "a readable checkpoint file, or none");
  }
  CheckpointHeader found;
  SimulationImage image;
  decode_checkpoint(bytes.substr(1), file, found, image);
  const std::string fix = "the same command that wrote it, or another --checkpoint file";
  if (found.version != header_.version) {
    throw InputError(file, {}, "",
                     "the checkpoint was written by clvsim " + found.version +
                         ", this is clvsim " + header_.version, fix);
  }
  if (found.scenario != header_.scenario) {
    throw InputError(file, {}, "",
                     "the checkpoint belongs to a different scenario (" +
                         first_difference(header_.scenario, found.scenario) + ")",
                     fix);
  }
  if (found.plan != header_.plan) {
    throw InputError(file, {}, "",
                     "the checkpoint was written by a run with '" + found.plan +
                         "', this one has '" + header_.plan + "'", fix);
  }
  if (image.replications > max_replications) {
    throw InputError(file, {}, "",
                     "the checkpoint holds " + std::to_string(image.replications) +
                         " replications, more than the " + std::to_string(max_replications) +
                         " asked for",
                     "--replications of at least " + std::to_string(image.replications));
  }
  resumed_ = image.replications;
  return image;
}

void Checkpoint::completed(const Simulation& simulation, const Cluster& cluster) {
  latest_ = simulation.image();
  latest_written_ = false;
  const double since =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_write_).count();
  if (cluster.is_root() && since >= every_seconds_) write(*latest_);
}

void Checkpoint::flush(const Cluster& cluster) {
  if (cluster.is_root() && latest_ && !latest_written_) write(*latest_);
}

void Checkpoint::save_latest(const Cluster& cluster) noexcept {
  if (!cluster.is_root() || !latest_ || latest_written_) return;
  try {
    write(*latest_);
    std::cerr << "clvsim: saved " << latest_->replications << " completed replications to "
              << path_.string() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "clvsim: could not save the checkpoint: " << e.what() << std::endl;
  }
}

void Checkpoint::write(const SimulationImage& image) {
  write_file_atomically(path_, encode_checkpoint(header_, image));
  latest_written_ = true;
  last_write_ = std::chrono::steady_clock::now();
}

}  // namespace clvsim
