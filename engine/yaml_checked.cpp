#include "yaml_checked.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstring>
#include <system_error>

#include "number_text.hpp"

namespace clvsim {
namespace {

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string join_list(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

std::string format_double(double value) { return shortest_text(value); }

bool is_quoted(const YAML::Node& node) {
  // yaml-cpp tags quoted scalars "!"; an explicit !!str says the same.
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
}

// What the user wrote, for "got ..." parts of messages.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      return is_quoted(node) ? "\"" + text + "\"" : text;
    }
    default:
      return "an undefined value";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string suggestion(std::string_view key,
                       std::initializer_list<std::string_view> allowed) {
  for (std::string_view candidate : allowed) {
    if (edit_distance(key, candidate) <= 2) {
      return "; did you mean \"" + std::string(candidate) + "\"?";
    }
  }
  return {};
}

bool is_non_finite_word(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.erase(0, 1);
  return text == ".nan" || text == ".inf" || text == "nan" || text == "inf" ||
         text == "infinity";
}

// Parses the whole of `text` as a double; YAML allows a leading '+', which
// std::from_chars does not.
std::errc parse_double(std::string_view text, double& value) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+' || (text[0] == '-' && text.size() == 1)) {
    return std::errc::invalid_argument;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   value, std::chars_format::general);
  if (ec == std::errc() && end != text.data() + text.size()) {
    return std::errc::invalid_argument;
  }
  return ec;
}

// "a number in [0, 1]", "a number in (0, 1e+09]".
std::string describe_range(const NumberRange& range) {
  return std::string("a number in ") + (range.min_exclusive ? "(" : "[") +
         format_double(range.min) + ", " + format_double(range.max) + "]";
}

}  // namespace

SourceMark to_source_mark(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

void YamlSource::add_override(const YAML::Node& value, SourceMark anchor,
                              const std::string& setting) {
  // Iterative and bounded: yaml-cpp lets an alias refer to its own anchor
  // (&a [*a]), and aliases can make a short value an exponentially large
  // tree. Past the budget, errors point at the value's own text position.
  std::size_t budget = 10000;
  std::vector<YAML::Node> pending{value};
  while (!pending.empty() && budget > 0) {
    const YAML::Node node = pending.back();
    pending.pop_back();
    --budget;
    origins_.push_back({node, anchor, setting});
    if (node.IsMap()) {
      for (const auto& kv : node) {
        pending.emplace_back(kv.first);
        pending.emplace_back(kv.second);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) pending.emplace_back(item);
    }
  }
}

void YamlSource::fail(const YAML::Node& node, const YAML::Mark& fallback,
                      const std::string& key_path, std::string problem,
                      std::string expected) const {
  if (const Origin* origin = find_origin(node)) {
    throw InputError(file_, origin->anchor, key_path,
                     std::move(problem) + " (from --set " + origin->setting + ")",
                     std::move(expected));
  }
  throw InputError(file_, locate(node, fallback), key_path, std::move(problem),
                   std::move(expected));
}

SourceMark YamlSource::locate(const YAML::Node& node,
                              const YAML::Mark& fallback) const {
  if (const Origin* origin = find_origin(node)) return origin->anchor;
  const bool own_mark = node.IsDefined() && !node.IsNull();
  return to_source_mark(own_mark ? node.Mark() : fallback);
}

const YamlSource::Origin* YamlSource::find_origin(
    const YAML::Node& node) const {
  for (const Origin& origin : origins_) {
    if (node.is(origin.node)) return &origin;
  }
  return nullptr;
}

void CheckedNode::fail(std::string problem, std::string expected) const {
  source_->fail(node_, key_mark_, path_, std::move(problem),
                std::move(expected));
}

void CheckedNode::require_scalar(const std::string& expected) const {
  if (node_.IsScalar()) return;
  if (node_.IsNull()) fail("has no value", expected);
  fail("got " + describe(node_) + ", which is not a single value", expected);
}

void CheckedNode::require_unquoted(const std::string& expected) const {
  require_scalar(expected);
  if (is_quoted(node_)) {
    fail("got the quoted string " + describe(node_) + "; remove the quotes",
         expected);
  }
}

CheckedMap CheckedNode::map(
    std::initializer_list<std::string_view> allowed) const {
  const std::string expected = "a mapping with keys: " + join_list(allowed);
  if (node_.IsNull()) fail("has no value", expected);
  if (!node_.IsMap()) fail("got " + describe(node_) + ", not a mapping", expected);
  CheckedMap out(*this);
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) {
      source_->fail(kv.first, key_mark_, path_, "a key is not a plain name",
                    expected);
    }
    const std::string key = kv.first.Scalar();
    const std::string child_path = join_path(path_, key);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      source_->fail(kv.first, key_mark_, child_path,
                    "unknown key \"" + key + "\"" + suggestion(key, allowed),
                    "one of: " + join_list(allowed));
    }
    if (out.has(key)) {
      source_->fail(kv.first, key_mark_, child_path,
                    "key \"" + key + "\" is given twice", "each key at most once");
    }
    out.values_.emplace_back(
        key, CheckedNode(source_, kv.second, child_path, kv.first.Mark()));
  }
  return out;
}

std::vector<std::pair<CheckedNode, CheckedNode>> CheckedNode::entries(
    std::string_view expected) const {
  const std::string what(expected);
  if (node_.IsNull()) fail("has no value", what);
  if (!node_.IsMap()) fail("got " + describe(node_) + ", not a mapping", what);
  std::vector<std::pair<CheckedNode, CheckedNode>> out;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) {
      source_->fail(kv.first, key_mark_, path_, "a key is not a plain name", what);
    }
    const std::string key = kv.first.Scalar();
    const std::string child_path = join_path(path_, key);
    for (const auto& seen : out) {
      if (seen.first.yaml().Scalar() == key) {
        source_->fail(kv.first, key_mark_, child_path,
                      "key \"" + key + "\" is given twice",
                      "each key at most once");
      }
    }
    out.emplace_back(CheckedNode(source_, kv.first, child_path, kv.first.Mark()),
                     CheckedNode(source_, kv.second, child_path, kv.first.Mark()));
  }
  return out;
}

std::vector<CheckedNode> CheckedNode::items(std::string_view expected) const {
  const std::string what(expected);
  if (node_.IsNull()) fail("has no value", what);
  if (!node_.IsSequence()) fail("got " + describe(node_) + ", not a list", what);
  std::vector<CheckedNode> out;
  std::size_t index = 0;
  for (const auto& item : node_) {
    std::string item_path = path_ + "[" + std::to_string(index) + "]";
    if (item.IsMap()) {
      for (const auto& kv : item) {
        if (kv.first.IsScalar() && kv.first.Scalar() == "name" &&
            kv.second.IsScalar() && !kv.second.Scalar().empty()) {
          item_path = join_path(path_, kv.second.Scalar());
          break;
        }
      }
    }
    out.emplace_back(source_, item, std::move(item_path), node_.Mark());
    ++index;
  }
  return out;
}

std::string CheckedNode::text(std::string_view expected) const {
  require_scalar(std::string(expected));
  return node_.Scalar();
}

std::string CheckedNode::name(std::string_view what) const {
  const std::string expected =
      std::string(what) + " name: non-empty, without '.' or '='";
  std::string value = text(expected);
  if (value.empty()) fail("is empty", expected);
  if (value.find_first_of(".=") != std::string::npos) {
    fail("\"" + value + "\" contains '.' or '=', which --set paths use",
         expected);
  }
  return value;
}

double CheckedNode::number(const NumberRange& range) const {
  const std::string expected = describe_range(range);
  require_unquoted(expected);
  const std::string& text = node_.Scalar();
  if (is_non_finite_word(text)) {
    fail("got " + text + ", which is not a finite number", expected);
  }
  double value = 0.0;
  std::errc ec = parse_double(text, value);
  if (ec == std::errc::result_out_of_range) {
    fail("got " + text + ", which is too large or too small to represent",
         expected);
  }
  if (ec != std::errc() || !std::isfinite(value)) {
    fail("got " + describe(node_) + ", which is not a number", expected);
  }
  const bool below =
      range.min_exclusive ? !(value > range.min) : !(value >= range.min);
  if (below || value > range.max) {
    fail("got " + text + ", which is out of range", expected);
  }
  return value;
}

std::uint64_t CheckedNode::whole(std::uint64_t min, std::uint64_t max) const {
  const std::string expected = "a whole number in [" + std::to_string(min) +
                               ", " + std::to_string(max) + "]";
  require_unquoted(expected);
  std::string_view text = node_.Scalar();
  const std::string shown(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool complete = end == text.data() + text.size();
  if (ec == std::errc::result_out_of_range && complete) {
    fail("got " + shown + ", which is out of range", expected);
  }
  if (ec != std::errc() || !complete) {
    // Also accept 1e6 and 40000.0: whole numbers in floating-point notation.
    double d = 0.0;
    if (is_non_finite_word(shown)) {
      fail("got " + shown + ", which is not a finite number", expected);
    }
    if (parse_double(text, d) != std::errc()) {
      fail("got " + describe(node_) + ", which is not a number", expected);
    }
    if (d < 0.0) fail("got " + shown + ", which is out of range", expected);
    if (d != std::floor(d)) {
      fail("got " + shown + ", which is not a whole number", expected);
    }
    // Beyond 2^53 a double no longer names one integer.
    if (d > 9007199254740992.0) {
      fail("got " + shown + ", which is too large to be exact; write all digits",
           expected);
    }
    value = static_cast<std::uint64_t>(d);
  }
  if (value < min || value > max) {
    fail("got " + shown + ", which is out of range", expected);
  }
  return value;
}

bool CheckedNode::boolean() const {
  const std::string expected = "true or false";
  require_unquoted(expected);
  const std::string& text = node_.Scalar();
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  fail("got " + describe(node_) + ", which is not a boolean", expected);
}

bool CheckedMap::has(std::string_view key) const {
  return std::any_of(values_.begin(), values_.end(),
                     [&](const auto& kv) { return kv.first == key; });
}

CheckedNode CheckedMap::required(std::string_view key) const {
  if (auto value = optional(key)) return *value;
  self_.source_->fail(self_.node_, self_.key_mark_,
                      join_path(self_.path_, key),
                      "missing required key \"" + std::string(key) + "\"");
}

std::optional<CheckedNode> CheckedMap::optional(std::string_view key) const {
  for (const auto& kv : values_) {
    if (kv.first == key) return kv.second;
  }
  return std::nullopt;
}

}  // namespace clvsim
