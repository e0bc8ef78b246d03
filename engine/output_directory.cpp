#include "clvsim/output_directory.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "file_io.hpp"

namespace clvsim {
namespace {

namespace fs = std::filesystem;

// Every name a clvsim command writes into its output directory (and the
// sweep's own staging names, should a killed run have left them).
constexpr std::array<const char*, 10> kOutputNames = {
    "summary.json", "periods.csv", "run.json",    "scenario.resolved.yaml", "report.html",
    "sweep.csv",    "points",      "sensitivity.csv", ".points-new",        ".points-old"};

bool is_output_name(const fs::path& name) {
  return std::any_of(kOutputNames.begin(), kOutputNames.end(),
                     [&](const char* known) { return name == known; });
}

// Only clvsim's outputs in `dir`: it may be swapped away whole.
bool holds_only_outputs(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (!is_output_name(entry.path().filename())) return false;
  }
  return !ec;
}

}  // namespace

OutputDirectory::OutputDirectory(const fs::path& dir) {
  dir_ = fs::absolute(dir).lexically_normal();
  if (dir_.filename().empty()) dir_ = dir_.parent_path();  // "out/"
  std::error_code ec;
  fs::create_directories(dir_.parent_path(), ec);
  if (ec) throw_io_error(dir_.parent_path(), "cannot create directory", ec.value());
  std::string pattern =
      (dir_.parent_path() / ("." + dir_.filename().string() + ".clvsim-new-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw_io_error(dir_.parent_path(), "cannot create a directory", errno);
  }
  staging_ = pattern;
  // mkdtemp makes it private (0700); the outputs get the usual mode.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(staging_.c_str(), 0777 & ~mask);
}

OutputDirectory::~OutputDirectory() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void OutputDirectory::commit() {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(dir_, ec);
  if (!fs::exists(status)) {
    if (::rename(staging_.c_str(), dir_.c_str()) != 0) throw_io_error(dir_, "cannot create", errno);
    committed_ = true;
    sync_directory(dir_.parent_path());
    return;
  }
  if (!fs::is_directory(status)) {
    throw std::runtime_error(dir_.string() + ": exists and is not a directory");
  }
  if (holds_only_outputs(dir_) &&
      ::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, dir_.c_str(), RENAME_EXCHANGE) == 0) {
    // The staging name now holds the earlier run.
    sync_directory(dir_.parent_path());
    fs::remove_all(staging_, ec);
    committed_ = true;
    return;
  }
  // File by file: each rename replaces one output atomically.
  std::vector<fs::path> written;
  for (const fs::directory_entry& entry : fs::directory_iterator(staging_)) {
    written.push_back(entry.path().filename());
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(staging_)) {
    const fs::path target = dir_ / entry.path().filename();
    if (entry.is_directory() && fs::exists(target)) {
      const fs::path old = dir_ / ".points-old";
      fs::remove_all(old, ec);
      if (::rename(target.c_str(), old.c_str()) != 0) throw_io_error(target, "cannot replace", errno);
      if (::rename(entry.path().c_str(), target.c_str()) != 0) throw_io_error(target, "cannot replace", errno);
      fs::remove_all(old, ec);
    } else if (::rename(entry.path().c_str(), target.c_str()) != 0) {
      throw_io_error(target, "cannot replace", errno);
    }
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
    const fs::path name = entry.path().filename();
    if (is_output_name(name) && std::find(written.begin(), written.end(), name) == written.end()) {
      fs::remove_all(entry.path(), ec);
    }
  }
  sync_directory(dir_);
  fs::remove_all(staging_, ec);
  committed_ = true;
}

}  // namespace clvsim
