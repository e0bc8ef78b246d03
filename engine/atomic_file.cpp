// Crash-safe file replacement.
//
// A file is first written in full to a hidden temporary name in the target's
// own directory (rename is only atomic within one file system), flushed to
// disk, and then renamed over the target. Readers therefore see either the
// old file or the complete new one, never a prefix.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "clvsim/outputs.hpp"
#include "clvsim/scenario_loader.hpp"
#include "file_io.hpp"

namespace clvsim {

namespace fs = std::filesystem;

void throw_io_error(const fs::path& path, const std::string& what, int err) {
  throw std::runtime_error(path.string() + ": " + what + ": " + std::strerror(err));
}

void sync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

namespace {

fs::path directory_of(const fs::path& path) {
  fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// Owns a temporary file's name: removes the file unless released. Kept as a
// member of StagedFile so that cleanup also runs when StagedFile's own
// constructor throws (its destructor would not).
class TempName {
 public:
  TempName() = default;
  TempName(const TempName&) = delete;
  TempName& operator=(const TempName&) = delete;
  TempName(TempName&& other) noexcept
      : path_(std::move(other.path_)),
        armed_(std::exchange(other.armed_, false)) {}
  ~TempName() {
    if (armed_) ::unlink(path_.c_str());
  }

  void arm(fs::path path) {
    path_ = std::move(path);
    armed_ = true;
  }
  void release() { armed_ = false; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool armed_ = false;
};

// A fully written, synced temporary copy of one target file. Destroying it
// without commit() removes the temporary, so every early exit cleans up.
class StagedFile {
 public:
  StagedFile(fs::path target, const std::string& contents)
      : target_(std::move(target)) {
    if (target_.filename().empty()) {
      throw std::runtime_error(target_.string() + ": not a file name");
    }
    const fs::path temp =
        directory_of(target_) / ("." + target_.filename().string() + ".tmp." +
                                 std::to_string(static_cast<long>(::getpid())));
    // A leftover from an earlier process that had our pid is stale; O_EXCL
    // below then guarantees we never write through someone else's file or
    // symlink.
    ::unlink(temp.c_str());
    int fd =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) throw_io_error(target_, "cannot create temporary file", errno);
    temp_.arm(temp);
    const char* data = contents.data();
    std::size_t left = contents.size();
    while (left > 0) {
      ssize_t n = ::write(fd, data, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(fd, "cannot write");
      }
      data += n;
      left -= static_cast<std::size_t>(n);
    }
    while (::fsync(fd) != 0) {
      if (errno != EINTR) fail(fd, "cannot flush to disk");
    }
    // close() reports deferred write errors on some file systems (NFS). On
    // Linux the descriptor is gone even after EINTR, so never retry.
    if (::close(fd) != 0 && errno != EINTR) {
      throw_io_error(target_, "cannot write", errno);
    }
  }

  void commit() {
    if (::rename(temp_.path().c_str(), target_.c_str()) != 0) {
      throw_io_error(target_, "cannot rename temporary file into place", errno);
    }
    temp_.release();
  }

 private:
  [[noreturn]] void fail(int fd, const char* what) {
    int err = errno;
    ::close(fd);
    throw_io_error(target_, what, err);
  }

  fs::path target_;
  TempName temp_;
};

}  // namespace

void write_file_atomically(const fs::path& path, const std::string& contents) {
  StagedFile staged(path, contents);
  staged.commit();
  sync_directory(directory_of(path));
}

void write_run_outputs(const fs::path& dir, const Results& results,
                       const Scenario& scenario) {
  // Render everything before touching the disk: a rendering bug must not
  // leave a new summary.json next to an old periods.csv.
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("summary.json", summary_json(results));
  files.emplace_back("periods.csv", periods_csv(results));
  files.emplace_back("run.json", run_json(results, scenario));
  files.emplace_back("scenario.resolved.yaml", resolved_scenario_yaml(scenario));

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error(dir.string() +
                             ": cannot create directory: " + ec.message());
  }
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error(dir.string() + ": not a directory");
  }

  // Stage all three before renaming any, so that the likely failures (disk
  // full, quota, permissions) happen while the old set is still intact.
  std::vector<StagedFile> staged;
  staged.reserve(files.size());
  for (const auto& [name, contents] : files) {
    staged.emplace_back(dir / name, contents);
  }
  for (auto& file : staged) file.commit();
  sync_directory(dir);
}

}  // namespace clvsim
