// The log directory of `rmacheck run`: a private temporary one by default
// (removed after a clean analysis), or the user's --out DIR, which must be
// empty or hold only files rmacheck wrote (those are cleared, nothing else
// is touched), so that a run never analyzes another run's logs.
#pragma once

#include <string>

namespace rmacheck {

// A fresh random run id (hex), stamped into every log header and run.json.
std::string new_run_id();

// Creates DIR (mode 0700) or empties it of rmacheck's own files. Returns
// false with a one-line reason when DIR holds anything else.
bool prepare_out_dir(const std::string& dir, std::string& error);

// A new private directory under $TMPDIR (or /tmp), mode 0700.
bool make_private_log_dir(std::string& dir, std::string& error);

// Removes rmacheck's files from DIR, then DIR itself if nothing else is left.
void remove_log_dir(const std::string& dir);

// A file rmacheck wrote: a regular file (not a link) named rank-*.log that
// starts with the log magic, or run.json written by rmacheck run.
bool is_rmacheck_file(const std::string& dir, const std::string& name);

}  // namespace rmacheck
