// Finding a scenario's numeric parameters by walking its resolved YAML, so
// defaults the file left out are varied too and every path is one --set
// accepts (list items by name, or [index] where they have none).
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <set>

#include "clvsim/scenario_loader.hpp"
#include "clvsim/sensitivity.hpp"

namespace clvsim {
namespace {

// Subtrees and keys that hold settings or names, not assumptions.
const std::set<std::string> kSkippedKeys = {"simulation", "name",     "assign", "treatment",
                                            "segment",    "start",    "baseline", "levels",
                                            "description", "period",  "level_at_least",
                                            "level_at_most", "rank_by", "compare"};
const std::set<std::string> kWholeKeys = {"customers", "horizon", "tenure_at_least",
                                          "tenure_at_most"};

bool as_number(const YAML::Node& node, double& value) {
  if (!node.IsScalar() || node.Tag() == "!") return false;  // quoted: a string
  const std::string& text = node.Scalar();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return !text.empty() && ec == std::errc() && ptr == end && std::isfinite(value);
}

void walk(const YAML::Node& node, const std::string& path, const std::string& key,
          const YAML::Node& parent, std::vector<SensitivityParameter>& out) {
  if (kSkippedKeys.count(key)) return;
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string child = kv.first.Scalar();
      walk(kv.second, path.empty() ? child : path + "." + child, child, node, out);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node item = node[i];
      const bool named = item.IsMap() && item["name"] && item["name"].IsScalar();
      const std::string child =
          named ? path + "." + item["name"].Scalar() : path + "[" + std::to_string(i) + "]";
      walk(item, child, key, node, out);
    }
  } else {
    SensitivityParameter p;
    if (!as_number(node, p.value)) return;
    p.path = path;
    // A fixed (not Poisson) acquisition count must stay whole.
    const bool fixed_count = key == "per_period" && parent["poisson"] &&
                             parent["poisson"].Scalar() == "false";
    p.whole = kWholeKeys.count(key) > 0 || fixed_count;
    out.push_back(p);
  }
}

}  // namespace

std::vector<SensitivityParameter> numeric_parameters(const Scenario& scenario) {
  const YAML::Node root = YAML::Load(resolved_scenario_yaml(scenario));
  std::vector<SensitivityParameter> out;
  walk(root, "", "", root, out);
  return out;
}

}  // namespace clvsim
