// Reading scenario files.
//
// The loader is strict: unknown keys, missing required keys, wrong types,
// NaN/inf, out-of-range values, duplicate names and references to undefined
// segments, treatments or levels are all InputErrors naming file, line,
// column and key path. A Scenario it returns satisfies every invariant in
// scenario.hpp.
#pragma once

#include <string>
#include <vector>

#include "clvsim/scenario.hpp"

namespace clvsim {

// One --set PATH=VALUE override, as typed on the command line.
// PATH is a dotted key path; list items are addressed by their `name`
// (segments.transactional.revenue.mean). VALUE is parsed as YAML, so
// `60`, `true`, `[1, 2]` and `{geometric: 0.1}` all work. The path must
// already exist in the file, except that a missing optional key may be set
// when its parent mapping exists (e.g. revenue.noise).
struct Override {
  std::string path;
  std::string value;
};

// Parses "PATH=VALUE". Throws InputError (file "--set") when there is no '='
// or the path is empty.
Override parse_override(const std::string& text);

// Loads, applies overrides in order, validates. Throws InputError.
Scenario load_scenario(const std::string& path,
                       const std::vector<Override>& overrides = {});

// Same, from YAML text already in memory; `file_name` is used in messages.
Scenario load_scenario_text(const std::string& yaml_text,
                            const std::string& file_name,
                            const std::vector<Override>& overrides = {});

// The scenario with every default filled in, as YAML that load_scenario
// accepts and that reproduces the same run.
std::string resolved_scenario_yaml(const Scenario& scenario);

}  // namespace clvsim
