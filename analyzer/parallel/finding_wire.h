// What one process of a parallel analysis sends to the one that reports:
// the findings and notes of each of its detectors, as bytes (MessagePack of
// a JSON image of every field of Finding), and back, field for field, so
// that the gathered Analysis is the one the serial run builds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "detectors/finding.h"

namespace rmacheck {

// One detector's output, with its place in the registry.
struct DetectorOutput {
  int detector = 0;
  Analysis analysis;  // findings and notes (lint stays with the reporting process)
};

std::vector<uint8_t> encode_outputs(const std::vector<DetectorOutput>& outputs);
// False (with `error`) when the bytes are not what encode_outputs writes.
bool decode_outputs(const uint8_t* data, size_t size, std::vector<DetectorOutput>& out, std::string& error);

}  // namespace rmacheck
