// Text surgery on a scenario file (see scenario_patch.hpp).
//
// Locating a value: yaml-cpp gives the line and column where a key starts
// but not where its value ends, so the end is found from the text. The
// value starts after the key's colon; on that line it is followed through
// quotes and brackets (a flow mapping may span lines) up to a comment or the
// end of the line; then every following line indented deeper than the key,
// and any comment or blank line between such lines, belongs to it too (a
// block mapping). That is YAML's own rule for where a block value ends.
#include "clvsim/scenario_patch.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "clvsim/error.hpp"
#include "clvsim/outputs.hpp"
#include "clvsim/scenario_loader.hpp"
#include "yaml_checked.hpp"

namespace clvsim {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Line-oriented view of the text: offsets of line starts, 0-based lines.
class Lines {
 public:
  explicit Lines(const std::string& text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
    bom_ = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  }

  std::size_t count() const { return starts_.size(); }
  std::size_t start(std::size_t line) const { return starts_[line]; }
  // Offset of the '\n' ending `line`, or the text size for the last line.
  std::size_t end(std::size_t line) const {
    return line + 1 < starts_.size() ? starts_[line + 1] - 1 : text_.size();
  }
  // End of the line's content, before any '\r'.
  std::size_t content_end(std::size_t line) const {
    std::size_t e = end(line);
    if (e > start(line) && text_[e - 1] == '\r') --e;
    return e;
  }
  std::size_t line_of(std::size_t offset) const {
    return static_cast<std::size_t>(
        std::upper_bound(starts_.begin(), starts_.end(), offset) -
        starts_.begin() - 1);
  }
  // yaml-cpp's marks skip a byte-order mark on the first line.
  std::size_t offset(const YAML::Mark& mark) const {
    const auto line = static_cast<std::size_t>(mark.line);
    return starts_[line] + static_cast<std::size_t>(mark.column) +
           (line == 0 ? bom_ : 0);
  }
  std::string eol(std::size_t line) const {
    const std::size_t e = end(line);
    if (e < text_.size()) return e > start(line) && text_[e - 1] == '\r' ? "\r\n" : "\n";
    return line > 0 ? eol(line - 1) : "\n";
  }

 private:
  const std::string& text_;
  std::vector<std::size_t> starts_;
  std::size_t bom_ = 0;
};

// From `pos`, follows a value on its line through quotes and brackets,
// which may continue onto further lines, and stops at a comment or at the
// end of a line outside any bracket. Returns the offset just after its last
// character (`pos` if there is none) and sets `stop_line` to the line where
// it stopped.
std::size_t scan_flow(const std::string& text, const Lines& lines,
                      std::size_t pos, std::size_t& stop_line) {
  int depth = 0;
  char quote = 0;
  std::size_t last = pos;
  std::size_t i = pos;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
        } else {
          quote = 0;
        }
      }
      last = i + 1;
      continue;
    }
    if (c == '\n') {
      if (depth == 0) break;
      continue;
    }
    if (c == '#' && (i == 0 || is_blank(text[i - 1]) || text[i - 1] == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (is_blank(c) || c == '\r') continue;
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && depth > 0) --depth;
    if (c == '"' || c == '\'') quote = c;
    last = i + 1;
  }
  stop_line = lines.line_of(std::min(i, text.size() - 1));
  return last;
}

// The value of a key at column `key_column` whose text starts at `value_pos`
// (just after the colon): returns the offset where it ends, before the
// line ending of its last line, including a comment ending that line.
std::size_t value_end(const std::string& text, const Lines& lines,
                      std::size_t value_pos, std::size_t key_column,
                      bool sequence_value) {
  std::size_t line = 0;
  scan_flow(text, lines, value_pos, line);
  std::size_t last_line = line;
  for (std::size_t l = line + 1; l < lines.count(); ++l) {
    const std::size_t s = lines.start(l), e = lines.content_end(l);
    std::size_t f = s;
    while (f < e && is_blank(text[f])) ++f;
    if (f == e) continue;  // blank: belongs to whichever side continues
    const std::size_t indent = f - s;
    if (text[f] == '#') {
      if (indent > key_column) last_line = l;
      continue;
    }
    const bool deeper = indent > key_column ||
                        (sequence_value && indent == key_column && text[f] == '-');
    if (!deeper) break;
    last_line = l;
    if (text[f] == '{' || text[f] == '[') {
      scan_flow(text, lines, f, last_line);
      l = last_line;
    }
  }
  return lines.content_end(last_line);
}

// Offset of the ':' after the key `name` that starts at `key_pos`, plain or
// quoted; npos when the text there is not that key.
std::size_t colon_after_key(const std::string& text, std::size_t key_pos,
                            const std::string& name) {
  std::size_t i = std::string::npos;
  for (const std::string& form : {name, '"' + name + '"', "'" + name + "'"}) {
    if (text.compare(key_pos, form.size(), form) == 0) {
      i = key_pos + form.size();
      break;
    }
  }
  if (i == std::string::npos) return i;
  while (i < text.size() && is_blank(text[i])) ++i;
  return i < text.size() && text[i] == ':' ? i : std::string::npos;
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf,
                v < 0.1 ? "%.4g" : v < 1e6 ? "%.4f" : "%.6g", v);
  return buf;
}

double read_back(const std::string& s) {
  double v = 0.0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

std::string sbg_churn_flow(double alpha, double beta) {
  if (!(alpha > 0.0) || !(beta > 0.0) || !std::isfinite(alpha) ||
      !std::isfinite(beta)) {
    throw std::invalid_argument("sbg_churn_flow: needs finite alpha, beta > 0");
  }
  return "{sbg: {alpha: " + number_text(alpha) + ", beta: " + number_text(beta) +
         "}}";
}

std::string set_segment_churn_sbg(const std::string& yaml_text,
                                  const std::string& file_name,
                                  const std::string& segment, double alpha,
                                  double beta, const std::string& comment) {
  const YAML::Node root = parse_yaml_mapping(yaml_text, file_name);
  const YAML::Node segments = root["segments"];
  if (!segments || !segments.IsSequence()) {
    throw InputError(file_name, to_source_mark(segments ? segments.Mark() : root.Mark()),
                     "segments", "no list of segments to edit",
                     "a scenario with a segments list");
  }
  // A YAML::Node is never assigned once bound (that would write into the
  // tree), so the match is kept as a copy constructed in the optional.
  std::optional<YAML::Node> match;
  std::string names;
  for (const YAML::Node& item : segments) {
    if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) continue;
    const std::string name = item["name"].Scalar();
    names += (names.empty() ? "" : ", ") + name;
    if (name == segment && !match) match.emplace(item);
  }
  if (!match) {
    throw InputError(file_name, to_source_mark(segments.Mark()), "segments",
                     "no segment named '" + segment + "'",
                     names.empty() ? "a segment with a name"
                                   : "one of: " + names);
  }
  const YAML::Node& found = *match;
  const std::string key_path = "segments." + segment;
  if (found.Style() == YAML::EmitterStyle::Flow) {
    throw InputError(file_name, to_source_mark(found.Mark()), key_path,
                     "the segment is written in flow style ({name: ...}), "
                     "which cannot be edited without rewriting it",
                     "a segment written one key per line");
  }
  YAML::Mark name_key, churn_key;
  bool has_churn = false, churn_is_sequence = false;
  for (auto it = found.begin(); it != found.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    if (it->first.Scalar() == "name") name_key = it->first.Mark();
    if (it->first.Scalar() == "churn" && !has_churn) {
      has_churn = true;
      churn_key = it->first.Mark();
      churn_is_sequence = it->second.IsSequence();
    }
  }

  const Lines lines(yaml_text);
  std::string line_comment = comment;
  std::replace(line_comment.begin(), line_comment.end(), '\n', ' ');
  std::replace(line_comment.begin(), line_comment.end(), '\r', ' ');
  const std::string value = sbg_churn_flow(alpha, beta);
  const std::string tail = value + (line_comment.empty() ? "" : "  # " + line_comment);

  const YAML::Mark& key = has_churn ? churn_key : name_key;
  const std::size_t key_pos = lines.offset(key);
  const std::size_t colon =
      colon_after_key(yaml_text, key_pos, has_churn ? "churn" : "name");
  if (colon == std::string::npos) {
    throw InputError(file_name, to_source_mark(key), key_path,
                     "cannot find the key's colon in the text",
                     "a plain 'key: value' line");
  }
  const auto column = static_cast<std::size_t>(key.column);
  const std::size_t end =
      value_end(yaml_text, lines, colon + 1, column, has_churn && churn_is_sequence);
  // The edit: replace [at, at + removed) by `inserted`.
  std::size_t at = colon + 1, removed = end - at;
  std::string inserted = " " + tail;
  if (!has_churn) {
    at = end;
    removed = 0;
    inserted = lines.eol(lines.line_of(end)) + std::string(column, ' ') +
               "churn: " + tail;
  }
  std::string patched = yaml_text;
  patched.replace(at, removed, inserted);

  try {
    const Scenario s = load_scenario_text(patched, file_name);
    for (const Segment& seg : s.segments) {
      if (seg.name != segment) continue;
      if (seg.churn.kind != ChurnModel::Kind::sbg ||
          seg.churn.alpha != read_back(number_text(alpha)) ||
          seg.churn.beta != read_back(number_text(beta))) {
        throw std::logic_error("set_segment_churn_sbg: the edited " + file_name +
                               " does not give segment " + segment +
                               " the fitted churn");
      }
    }
  } catch (const InputError& e) {
    // Report where the problem is in the file the user has: lines before
    // the edit are unchanged, lines after it shifted, lines inside it are
    // the churn (or name) key's.
    SourceMark mark = e.mark();
    if (mark.line > 0) {
      const auto first = lines.line_of(at);
      const auto new_last =
          first + static_cast<std::size_t>(std::count(inserted.begin(), inserted.end(), '\n'));
      const auto old_last = lines.line_of(at + removed);
      const auto l = static_cast<std::size_t>(mark.line - 1);
      if (l > new_last) {
        mark.line = static_cast<int>(l - new_last + old_last) + 1;
      } else if (l >= first) {
        mark = to_source_mark(key);
      }
    }
    throw InputError(file_name, mark, e.key_path(),
                     e.problem() + " [with segment " + segment +
                         "'s churn set to the fit]",
                     e.expected());
  }
  return patched;
}

void write_segment_churn_sbg(const std::string& path, const std::string& segment,
                             double alpha, double beta,
                             const std::string& comment) {
  const std::string text = read_input_file(path);
  const std::string patched =
      set_segment_churn_sbg(text, path, segment, alpha, beta, comment);
  std::error_code ec;
  const std::filesystem::path target = std::filesystem::canonical(path, ec);
  write_file_atomically(ec ? std::filesystem::path(path) : target, patched);
}

}  // namespace clvsim
