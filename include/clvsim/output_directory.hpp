// A command's output directory, replaced as a whole.
//
// Outputs are written into a fresh staging directory beside DIR; commit()
// then puts it in DIR's place with one atomic rename (an exchange, when DIR
// exists), so a reader sees all of the earlier run or all of the new one,
// never a mix, and files of an earlier run that this one does not write (a
// report, the points of a longer sweep) do not linger.
//
// A DIR holding anything clvsim does not write (the user's own files, a
// checkpoint) is never swapped away: the new files are then moved in one by
// one, each atomically, and the clvsim outputs this run did not write are
// removed. The same happens on a file system that cannot exchange names.
#pragma once

#include <filesystem>

namespace clvsim {

class OutputDirectory {
 public:
  // Creates the staging directory (and DIR's parent if missing). Throws
  // std::runtime_error naming the path when it cannot.
  explicit OutputDirectory(const std::filesystem::path& dir);
  // Removes the staging directory unless committed.
  ~OutputDirectory();
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  // Where to write.
  const std::filesystem::path& staging() const { return staging_; }

  // Puts the staged outputs in DIR's place. Throws std::runtime_error
  // naming the path on failure; DIR then still holds the earlier outputs.
  void commit();

 private:
  std::filesystem::path dir_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace clvsim
