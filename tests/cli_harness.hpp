// Running the built clvsim program from tests: a scratch directory, shell
// quoting, and a run that captures exit code, stdout and stderr.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace clvsim::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "clvsim-cli-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs the binary with `args` (already shell-quoted where needed) from
// working directory `cwd`, capturing stdout and stderr.
inline Outcome run_clvsim(const fs::path& cwd, const std::string& args) {
  const fs::path out = cwd / ".stdout";
  const fs::path err = cwd / ".stderr";
  const std::string command = "cd " + quote(cwd.string()) + " && " +
                              quote(CLVSIM_BINARY) + " " + args + " >" +
                              quote(out.string()) + " 2>" + quote(err.string());
  const int status = std::system(command.c_str());
  Outcome o;
  if (WIFEXITED(status)) {
    o.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    o.code = 128 + WTERMSIG(status);
  }
  o.out = read_file(out);
  o.err = read_file(err);
  fs::remove(out);
  fs::remove(err);
  return o;
}

}  // namespace clvsim::testing
