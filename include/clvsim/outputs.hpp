// Writing a run's results: summary.json, periods.csv, run.json and
// scenario.resolved.yaml.
//
// Every file is written to a temporary name in the same directory, flushed,
// and renamed into place, so a failed or interrupted run never leaves a
// partial or corrupt file. summary.json and periods.csv depend only on the
// Results (byte-identical for identical Results); run.json carries what
// varies between runs (threads, wall time, host, throughput).
#pragma once

#include <filesystem>
#include <string>

#include "clvsim/results.hpp"
#include "clvsim/scenario.hpp"

namespace clvsim {

std::string summary_json(const Results& results);
std::string periods_csv(const Results& results);
std::string run_json(const Results& results, const Scenario& scenario);

// Writes `contents` to `path` atomically (temp file + fsync + rename).
// Throws std::runtime_error with the path and the system's reason.
void write_file_atomically(const std::filesystem::path& path,
                           const std::string& contents);

// Creates `dir` if needed and writes the three files into it, and
// scenario.resolved.yaml: the scenario with every default filled in, which
// run again reproduces summary.json and periods.csv byte for byte.
void write_run_outputs(const std::filesystem::path& dir, const Results& results,
                       const Scenario& scenario);

// The short human table printed after a run: per strategy and segment,
// CLV mean with its 95% CI and survival at the horizon; then comparisons.
std::string console_table(const Results& results);

}  // namespace clvsim
