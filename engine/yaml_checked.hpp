// Strict, located reading of yaml-cpp nodes.
//
// Every accessor either returns a value of the requested type and range or
// throws InputError naming the file, the 1-based line and column and the
// dotted key path (list items by their `name`, else by [index]). The
// scenario loader is written entirely in terms of these helpers so that no
// yaml-cpp exception and no unchecked value can escape it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"

namespace clvsim {

// The contents of a file; InputError (line 0) when it cannot be read.
std::string read_input_file(const std::string& path);

// Parses one YAML document whose top level must be a mapping. Syntax errors
// become InputErrors at the line and column yaml-cpp reports.
YAML::Node parse_yaml_mapping(const std::string& text, const std::string& file);

// Converts a yaml-cpp mark (0-based, -1 when unknown) to a SourceMark.
SourceMark to_source_mark(const YAML::Mark& mark);

// The file a tree was read from, plus the nodes that --set put into it.
// Nodes parsed from an override value carry marks relative to the value
// text, which would point into the wrong place of the file; errors about
// them are reported at the place in the file that the override replaced.
class YamlSource {
 public:
  explicit YamlSource(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  // Records `value` and all its descendants as coming from `setting`
  // (the PATH=VALUE text), to be reported at `anchor`.
  void add_override(const YAML::Node& value, SourceMark anchor,
                    const std::string& setting);

  // `fallback` is used when `node` is null, whose yaml-cpp mark points at
  // whatever token follows it rather than at the key it belongs to.
  [[noreturn]] void fail(const YAML::Node& node, const YAML::Mark& fallback,
                         const std::string& key_path, std::string problem,
                         std::string expected = {}) const;

  // Where to report a problem with `node` (see fail()).
  SourceMark locate(const YAML::Node& node, const YAML::Mark& fallback) const;

 private:
  struct Origin {
    YAML::Node node;
    SourceMark anchor;
    std::string setting;
  };
  const Origin* find_origin(const YAML::Node& node) const;

  std::string file_;
  std::vector<Origin> origins_;
};

// A closed or half-open interval a number must lie in. `max` also guards
// against magnitudes that would overflow later arithmetic.
struct NumberRange {
  double min = 0.0;
  double max = 0.0;
  bool min_exclusive = false;
};

class CheckedMap;

class CheckedNode {
 public:
  CheckedNode(const YamlSource* source, YAML::Node node, std::string path,
              YAML::Mark key_mark)
      : source_(source),
        node_(std::move(node)),
        path_(std::move(path)),
        key_mark_(key_mark) {}
  CheckedNode(const CheckedNode&) = default;
  // Assigning a YAML::Node rebinds the tree node it refers to, so a
  // CheckedNode is never assigned, only constructed.
  CheckedNode& operator=(const CheckedNode&) = delete;

  const std::string& path() const { return path_; }
  const YAML::Node& yaml() const { return node_; }

  [[noreturn]] void fail(std::string problem, std::string expected = {}) const;

  // A mapping whose keys must all be in `allowed` and appear at most once.
  CheckedMap map(std::initializer_list<std::string_view> allowed) const;
  // A mapping with user-chosen keys (names), each at most once.
  std::vector<std::pair<CheckedNode, CheckedNode>> entries(
      std::string_view expected) const;
  // A sequence; items are named by their `name` field when they have one.
  std::vector<CheckedNode> items(std::string_view expected) const;

  std::string text(std::string_view expected) const;  // any scalar
  // A non-empty name that can be addressed in a key path.
  std::string name(std::string_view what) const;
  double number(const NumberRange& range) const;
  double probability() const { return number({0.0, 1.0}); }
  std::uint64_t whole(std::uint64_t min, std::uint64_t max) const;
  bool boolean() const;

 private:
  friend class CheckedMap;
  void require_scalar(const std::string& expected) const;
  void require_unquoted(const std::string& expected) const;

  const YamlSource* source_;
  YAML::Node node_;
  std::string path_;
  YAML::Mark key_mark_;
};

class CheckedMap {
 public:
  bool has(std::string_view key) const;
  // Throws "missing required key" at the mapping itself.
  CheckedNode required(std::string_view key) const;
  std::optional<CheckedNode> optional(std::string_view key) const;

 private:
  friend class CheckedNode;
  explicit CheckedMap(CheckedNode self) : self_(std::move(self)) {}

  CheckedNode self_;
  std::vector<std::pair<std::string, CheckedNode>> values_;
};

}  // namespace clvsim
