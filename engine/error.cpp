#include "clvsim/error.hpp"

namespace clvsim {
namespace {

std::string format_input_error(const std::string& file, SourceMark mark,
                               const std::string& key_path,
                               const std::string& problem,
                               const std::string& expected) {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (mark.line > 0) {
    out += ':' + std::to_string(mark.line) + ':' + std::to_string(mark.column);
  }
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  out += problem;
  if (!expected.empty()) out += " (expected " + expected + ")";
  return out;
}

}  // namespace

InputError::InputError(std::string file, SourceMark mark, std::string key_path,
                       std::string problem, std::string expected)
    : std::runtime_error(
          format_input_error(file, mark, key_path, problem, expected)),
      file_(std::move(file)),
      mark_(mark),
      key_path_(std::move(key_path)),
      problem_(std::move(problem)),
      expected_(std::move(expected)) {}

}  // namespace clvsim
