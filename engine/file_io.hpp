// The file-system helpers of clvsim's crash-safe writers (atomic_file.cpp,
// output_directory.cpp).
#pragma once

#include <filesystem>
#include <string>

namespace clvsim {

// std::runtime_error "PATH: WHAT: strerror(err)".
[[noreturn]] void throw_io_error(const std::filesystem::path& path, const std::string& what,
                                 int err);

// Makes completed renames in `dir` durable. Best effort: some file systems
// refuse to fsync a directory, and the data itself is already safe by then.
void sync_directory(const std::filesystem::path& dir);

}  // namespace clvsim
