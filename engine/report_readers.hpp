// Reading the files of an output directory for the report: what
// read_report_inputs() (report_inputs.cpp) shares with the run reader
// (report_run_reader.cpp). Every problem is an InputError naming the file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "clvsim/report.hpp"

namespace clvsim {

// The whole file; InputError when it is missing, a directory or unreadable.
std::string read_report_file(const std::filesystem::path& path);

// The whole file, or nullopt when there is no such file.
std::optional<std::string> read_report_file_if_present(const std::filesystem::path& path);

// `period` and `description` of a scenario.resolved.yaml text (left as they
// are when absent). InputError when the text is not YAML.
void read_scenario_labels(const std::string& yaml, const std::string& file, std::string& period,
                          std::string& description);

// A directory `clvsim run` wrote: summary.json and periods.csv required,
// run.json and scenario.resolved.yaml used when present.
RunReport read_run_report(const std::filesystem::path& dir);

}  // namespace clvsim
