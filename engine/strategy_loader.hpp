// Reading the `strategies` section: assign, rules and budgets.
#pragma once

#include <optional>

#include "clvsim/scenario.hpp"
#include "scenario_names.hpp"

namespace clvsim {

// Fills s.strategies (the default "status-quo" when `node` is absent) and
// registers their names. Needs segments, treatments and the ladder read.
void read_strategies(const std::optional<CheckedNode>& node, Scenario& s,
                     Names& names);

}  // namespace clvsim
