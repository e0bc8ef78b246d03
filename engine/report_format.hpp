// Text for the report: numbers as a reader expects them (thousands
// separators, a true minus sign, fixed decimals) and HTML escaping.
//
// Everything is locale-independent (std::to_chars), so the report's bytes
// do not depend on the environment it is generated in.
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace clvsim {

inline constexpr const char* kMinus = "\u2212";  // U+2212 MINUS SIGN

// 1234.5 -> "1,234.50" (decimals 2); -0.001 -> "0.00"; NaN -> "n/a".
// With `sign`, positive values get a '+' and zero none.
inline std::string format_number(double x, int decimals, bool sign = false) {
  if (!std::isfinite(x)) return "n/a";
  if (std::fabs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0.0;  // no "-0.00"
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "n/a";
  std::string digits(buf, end);
  const std::size_t point = digits.find('.');
  const std::size_t whole = point == std::string::npos ? digits.size() : point;
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i < whole && (whole - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  if (x < 0) return kMinus + out;
  return (sign && x > 0 ? "+" : "") + out;
}

// Amounts of money per customer: two decimals.
inline std::string money(double x, bool sign = false) { return format_number(x, 2, sign); }

// A share in [0, 1] as a percentage: 0.3071 -> "30.7%".
inline std::string percent(double share, int decimals = 1) {
  if (!std::isfinite(share)) return "n/a";
  return format_number(100.0 * share, decimals) + "%";
}

// Escapes text for HTML element content and attribute values.
inline std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A name made safe for an id attribute: letters, digits, '-' and '_' kept,
// anything else '-'.
inline std::string id_safe(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_';
    out += keep ? c : '-';
  }
  return out.empty() ? "x" : out;
}

}  // namespace clvsim
