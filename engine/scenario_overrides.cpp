// --set PATH=VALUE: edits to the parsed YAML tree, made before validation so
// that an overridden value is checked exactly like one written in the file.

#include <optional>
#include <string>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/scenario_loader.hpp"
#include "scenario_overrides.hpp"
#include "yaml_checked.hpp"

namespace clvsim {
namespace {

constexpr const char* kOverrideForm =
    "PATH=VALUE, e.g. segments.retail.revenue.mean=60";

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// "a.b[2].c" -> a, b, 2, c: error messages print list items without a name
// as [index], and a path copied from one must work here too.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> keys;
  std::string::size_type start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    std::string key = path.substr(start, dot - start);
    const auto open = key.rfind('[');
    if (open != std::string::npos && open > 0 && key.back() == ']' &&
        key.find_first_not_of("0123456789", open + 1) == key.size() - 1 &&
        key.size() - open > 2) {
      keys.push_back(key.substr(0, open));
      key = key.substr(open + 1, key.size() - open - 2);
    }
    keys.push_back(std::move(key));
    if (dot == std::string::npos) return keys;
    start = dot + 1;
  }
}

std::optional<YAML::Node> item_name(const YAML::Node& item) {
  if (!item.IsMap()) return std::nullopt;
  for (const auto& kv : item) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "name" &&
        kv.second.IsScalar()) {
      return YAML::Node(kv.second);
    }
  }
  return std::nullopt;
}

// The keys or item names available under `node`, for the error message.
std::string available(const YAML::Node& node) {
  std::string out;
  auto add = [&](const std::string& word) {
    out += (out.empty() ? "" : ", ") + word;
  };
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) add(kv.first.Scalar());
    }
  } else if (node.IsSequence()) {
    std::size_t index = 0;
    for (const auto& item : node) {
      auto name = item_name(item);
      add(name ? name->Scalar() : std::to_string(index));
      ++index;
    }
  }
  return out.empty() ? std::string() : "one of: " + out;
}

bool is_index(const std::string& key) {
  return !key.empty() && key.size() < 10 &&
         key.find_first_not_of("0123456789") == std::string::npos;
}

YAML::Node parse_value(const Override& change) {
  try {
    return YAML::Load(change.value);
  } catch (const YAML::Exception& e) {
    throw InputError("--set", {}, change.path,
                     "the value \"" + change.value +
                         "\" is not valid YAML: " + e.msg,
                     "a YAML value such as 60, true, [1, 2] or {p: 0.1}");
  }
}

void apply_one(YAML::Node& root, const Override& change, YamlSource& source) {
  const std::string setting = change.path + "=" + change.value;
  const YAML::Node value = parse_value(change);

  const std::vector<std::string> keys = split_path(change.path);
  YAML::Node cursor;
  cursor.reset(root);
  SourceMark anchor = source.locate(root, root.Mark());
  std::string walked;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    const bool last = i + 1 == keys.size();
    auto missing = [&](const std::string& what) {
      throw InputError(source.file(), anchor, change.path,
                       what + " (from --set " + setting + ")",
                       available(cursor));
    };
    const std::string under = walked.empty() ? "" : " under " + walked;

    // Never assign to a YAML::Node that is already bound: that rewrites the
    // tree. Hence emplace() and reset() below.
    std::optional<YAML::Node> child;
    if (cursor.IsMap()) {
      for (const auto& kv : cursor) {
        if (kv.first.IsScalar() && kv.first.Scalar() == key) {
          anchor = source.locate(kv.first, kv.first.Mark());
          child.emplace(kv.second);
          break;
        }
      }
      if (!child && last) {
        // A new optional key; validation still rejects it if it is unknown.
        cursor[key] = value;
        for (const auto& kv : cursor) {
          if (kv.first.IsScalar() && kv.first.Scalar() == key) {
            source.add_override(kv.first, anchor, setting);
          }
        }
        source.add_override(value, anchor, setting);
        return;
      }
      if (!child) missing("no such key \"" + key + "\"" + under);
    } else if (cursor.IsSequence()) {
      std::size_t index = 0;
      for (const auto& item : cursor) {
        auto name = item_name(item);
        if (name && name->Scalar() == key) {
          child.emplace(item);
          break;
        }
        ++index;
      }
      if (!child && is_index(key) && std::stoul(key) < cursor.size()) {
        child.emplace(cursor[std::stoul(key)]);
      }
      if (!child) missing("no such list item \"" + key + "\"" + under);
      anchor = source.locate(*child, cursor.Mark());
    } else {
      missing("no such key \"" + key + "\": " + walked + " is a single value");
    }

    if (last) {
      YAML::Node target = *child;
      target = value;  // rebinds the node inside the tree to `value`
      source.add_override(value, anchor, setting);
      return;
    }
    walked += (walked.empty() ? "" : ".") + key;
    cursor.reset(*child);
  }
}

}  // namespace

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw InputError("--set", {}, text, "missing '=' between path and value",
                     kOverrideForm);
  }
  Override out{trim(text.substr(0, eq)), text.substr(eq + 1)};
  if (out.path.empty()) {
    throw InputError("--set", {}, "", "empty key path in \"" + text + "\"",
                     kOverrideForm);
  }
  for (const std::string& key : split_path(out.path)) {
    if (key.empty()) {
      throw InputError("--set", {}, out.path, "the key path has an empty part",
                       "dot-separated keys, e.g. segments.retail.margin");
    }
  }
  return out;
}

void apply_overrides(YAML::Node& root, const std::vector<Override>& overrides,
                     YamlSource& source) {
  for (const Override& change : overrides) {
    if (change.path.empty()) {
      throw InputError("--set", {}, "", "empty key path", kOverrideForm);
    }
    apply_one(root, change, source);
  }
}

}  // namespace clvsim
