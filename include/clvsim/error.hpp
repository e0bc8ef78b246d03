// Errors a user can act on.
//
// InputError is thrown for every problem with what the user gave clvsim: a
// scenario file, a --set override, a command-line value, a data file. Its
// message has the one format the whole product uses:
//
//   FILE:LINE:COL: key.path: what is wrong (expected ...)
//
// Line and column are 1-based; 0 means "not known" (an unreadable file, a
// command-line option), and the message then omits them. The CLI maps an
// InputError to exit code 2 and anything else to exit code 1.
#pragma once

#include <stdexcept>
#include <string>

namespace clvsim {

struct SourceMark {
  int line = 0;    // 1-based, 0 = unknown
  int column = 0;  // 1-based, 0 = unknown
};

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, SourceMark mark, std::string key_path,
             std::string problem, std::string expected = {});

  const std::string& file() const { return file_; }
  SourceMark mark() const { return mark_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& problem() const { return problem_; }
  const std::string& expected() const { return expected_; }

 private:
  std::string file_;
  SourceMark mark_;
  std::string key_path_;
  std::string problem_;
  std::string expected_;
};

}  // namespace clvsim
