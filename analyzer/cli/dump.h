// `rmacheck dump DIR`: every logged event as one JSON object a line.
#pragma once

#include <ostream>

#include "model/model.h"

namespace rmacheck {
void dump_events(const Model& model, std::ostream& out);
}
