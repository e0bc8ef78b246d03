// --set PATH=VALUE overrides, applied to the parsed YAML tree before the
// scenario is validated, so an override is checked exactly like a value
// typed into the file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <vector>

#include "clvsim/scenario_loader.hpp"
#include "yaml_checked.hpp"

namespace clvsim {

// Applies `overrides` in order. `root` must be a mapping. Throws InputError
// naming the override when its path does not exist; errors about the value
// it sets point at the line of the key it replaced.
void apply_overrides(YAML::Node& root, const std::vector<Override>& overrides,
                     YamlSource& source);

}  // namespace clvsim
