#include "cli/compile.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>

#include "cli/command_output.h"
#include "cli/launcher.h"
#include "cli/path_search.h"

namespace rmacheck {

namespace {

// Instrumentation: ThreadSanitizer's compiler pass only (the runtime is ours), every
// memcpy/memset/memmove a call (gcc inlines fixed-size ones without instrumentation),
// and line tables for the report (before the user's flags, so a -g of theirs wins).
// -fno-plt: calls into librmacheck_access.so (atomics, ranges, and the per-access entry points
// of modules linked without rmacheck) go through the GOT, without the PLT stub's jump.
// -fno-unroll-loops: clang instruments after unrolling (and the vectorizer's interleaving, which
// the flag also turns off), so an unrolled loop's copies of one access are several instructions,
// each walking every other element; the runtime keeps a run per instruction and can log such
// interleaved runs only element by element (clang's stencil: 25,000 records per interval instead
// of 1, 10x slower). GCC instruments before its loop optimizers and does not unroll at -O2.
const std::vector<std::string> kCompileFlags = {
    "-g1",      "-fsanitize=thread", "-fno-builtin-memcpy", "-fno-builtin-memset", "-fno-builtin-memmove",
    "-fno-plt", "-fno-unroll-loops"};
// The C library routines the runtime sees through the linker (libc_wraps.cpp).
const char* kWrapped[] = {"memcpy",       "memmove", "memset", "__memcpy_chk", "__memmove_chk",
                          "__memset_chk", "fread",   "fwrite", "read",         "pread",
                          "write",        "pwrite",  "fgets",  "strcpy",       "strncpy"};

// Options whose value is the next argument.
const std::set<std::string> kTakesValue = {"-o",
                                           "-I",
                                           "-D",
                                           "-U",
                                           "-include",
                                           "-imacros",
                                           "-isystem",
                                           "-idirafter",
                                           "-iprefix",
                                           "-iwithprefix",
                                           "-iquote",
                                           "-x",
                                           "-MF",
                                           "-MT",
                                           "-MQ",
                                           "-L",
                                           "-l",
                                           "-T",
                                           "-Xlinker",
                                           "-Xassembler",
                                           "-Xpreprocessor",
                                           "-u",
                                           "-e",
                                           "--param",
                                           "-aux-info",
                                           "-isysroot",
                                           "-z",
                                           "-Xclang",
                                           "-target",
                                           "--sysroot",
                                           "-B"};

bool has_suffix(const std::string& s, const char* suf) {
  const size_t n = std::strlen(suf);
  return s.size() > n && s.compare(s.size() - n, n, suf) == 0;
}

bool is_source(const std::string& a) {
  for (const char* ext : {".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".cp", ".CPP", ".i", ".ii"})
    if (has_suffix(a, ext)) return true;
  return false;
}

// Flags after which nothing is compiled or linked: pass the command through untouched.
bool is_query(const std::string& a) {
  return a == "-E" || a == "-M" || a == "-MM" || a == "--version" || a == "-dumpversion" || a == "-dumpmachine" ||
         a == "-dumpfullversion" || a == "--help" || a == "-showme" || a.rfind("-print-", 0) == 0 ||
         a.rfind("--showme", 0) == 0 || a == "-###";
}

// The archive first: its hidden copies of the per-access entry points make the module's calls
// direct calls (interpose/local_access/access_entries.h); the rest comes from the shared runtime.
std::vector<std::string> link_flags(const std::string& libdir) {
  std::vector<std::string> f = {libdir + "/librmacheck_access_fast.a", libdir + "/librmacheck_access.so",
                                "-Wl,-rpath," + libdir};
  std::string wrap = "-Wl";
  for (const char* w : kWrapped) wrap += std::string(",--wrap=") + w;
  f.push_back(wrap);
  return f;
}

// -fplugin for the loop plugin (interpose/gcc_plugin: one range check per loop instead of one call
// per element) when COMPILER is the GCC it was built for, i.e. reports the plugin directory recorded
// at build time (clang prints "plugin", another GCC its own directory). RMACHECK_LOOP_RANGES=0: off.
std::vector<std::string> loop_plugin_flags(const std::string& compiler, const std::string& libdir) {
  const char* env = std::getenv("RMACHECK_LOOP_RANGES");
  const std::string built_for = RMACHECK_GCC_PLUGIN_DIR;
  const std::string plugin = libdir + "/rmacheck_loop_ranges.so";
  if ((env != nullptr && std::string(env) == "0") || built_for.empty() || access(plugin.c_str(), R_OK) != 0) return {};
  if (command_output({compiler, "-print-file-name=plugin"}, 60) != built_for) return {};
  return {"-fplugin=" + plugin};
}

int run(const std::vector<std::string>& argv) {
  if (std::getenv("RMACHECK_VERBOSE")) {
    std::cerr << "rmacheck:";
    for (const std::string& a : argv) std::cerr << " " << a;
    std::cerr << "\n";
  }
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    execvp(cargv[0], cargv.data());
    std::fprintf(stderr, "rmacheck: cannot run %s: %s\n", cargv[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

}  // namespace

CompilePlan plan_compile(const std::string& compiler, const std::vector<std::string>& args, const std::string& libdir,
                         const std::string& temp_dir, const std::vector<std::string>& plugin_flags) {
  CompilePlan plan;
  std::vector<std::string> compile_flags = kCompileFlags;
  compile_flags.insert(compile_flags.end(), plugin_flags.begin(), plugin_flags.end());
  bool compile_only = false;
  std::vector<size_t> sources;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (is_query(a)) plan.passthrough = true;
    if (a == "-c" || a == "-S") compile_only = true;
    if (kTakesValue.count(a)) {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] != '-' && is_source(a)) sources.push_back(i);
  }
  std::vector<std::string> step = {compiler};
  if (plan.passthrough || (args.empty())) {
    step.insert(step.end(), args.begin(), args.end());
    plan.passthrough = true;
    plan.steps.push_back(step);
    return plan;
  }
  plan.compiles = !sources.empty();
  if (compile_only) {
    step.insert(step.end(), compile_flags.begin(), compile_flags.end());
    step.insert(step.end(), args.begin(), args.end());
    plan.steps.push_back(step);
    return plan;
  }
  if (sources.empty()) {  // link only
    step.insert(step.end(), args.begin(), args.end());
    const auto lf = link_flags(libdir);
    step.insert(step.end(), lf.begin(), lf.end());
    plan.steps.push_back(step);
    return plan;
  }
  // Compile and link in one: each source to an instrumented object first (-fsanitize=thread at
  // link time would bring in libtsan), then link those objects with everything else.
  plan.temp_dir = temp_dir;
  std::vector<std::string> common;  // the flags a compile step keeps: no inputs, no output, no link-only flags
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-o" || a == "-l" || a == "-L" || a == "-Xlinker" || a == "-u" || a == "-e" || a == "-z" || a == "-T") {
      ++i;
      continue;
    }
    if (kTakesValue.count(a)) {
      common.push_back(a);
      if (i + 1 < args.size()) common.push_back(args[++i]);
      continue;
    }
    if (a.empty() || a[0] != '-') continue;  // inputs: sources, objects, libraries
    if (a.rfind("-l", 0) == 0 || a.rfind("-L", 0) == 0 || a.rfind("-Wl,", 0) == 0 || a == "-shared" || a == "-static" ||
        a == "-rdynamic" || a == "-pie" || a == "-no-pie")
      continue;
    common.push_back(a);
  }
  std::vector<std::string> link = {compiler};
  size_t next_source = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (next_source < sources.size() && sources[next_source] == i) {
      const std::string obj = temp_dir + "/" + std::to_string(next_source) + ".o";
      std::vector<std::string> cc = {compiler};
      cc.insert(cc.end(), compile_flags.begin(), compile_flags.end());
      cc.insert(cc.end(), common.begin(), common.end());
      cc.insert(cc.end(), {"-c", args[i], "-o", obj});
      plan.steps.push_back(cc);
      link.push_back(obj);
      ++next_source;
      continue;
    }
    const std::string& a = args[i];
    // -x LANG applies to the sources only; the objects that replace them are objects.
    if (a == "-x") {
      ++i;
      continue;
    }
    link.push_back(a);
  }
  const auto lf = link_flags(libdir);
  link.insert(link.end(), lf.begin(), lf.end());
  plan.steps.push_back(link);
  return plan;
}

int compile_command(const std::string& command, const std::vector<std::string>& args_in) {
  std::vector<std::string> args = args_in;
  std::string compiler;
  if (command == "mpicc") {
    compiler = first_on_path({"mpicc.openmpi", "mpicc"});
  } else if (command == "mpicxx") {
    compiler = first_on_path({"mpicxx.openmpi", "mpicxx"});
  } else {
    if (args.empty()) {
      std::cerr << "rmacheck: " << command << " needs a compiler: rmacheck " << command << " COMPILER ARGS...\n";
      return 2;
    }
    compiler = args.front();
    args.erase(args.begin());
  }
  for (const std::string& a : args)
    if (a == "-static") {
      std::cerr << "rmacheck: " << command << ": -static is not supported (the access runtime is a shared library)\n";
      return 2;
    }
  const std::string interposer = find_interposer_library();
  const std::string libdir = interposer.substr(0, interposer.find_last_of('/'));
  for (const char* runtime : {"librmacheck_access.so", "librmacheck_access_fast.a"})
    if (interposer.empty() || access((libdir + "/" + runtime).c_str(), R_OK) != 0) {
      std::cerr << "rmacheck: cannot find " << runtime << " next to librmacheck.so (expected ../lib/)\n";
      return 2;
    }
  std::string temp;
  char tmpl[] = "/tmp/rmacheck-cc-XXXXXX";
  CompilePlan plan = plan_compile(compiler, args, libdir, "");
  // Only a command that compiles asks the compiler where its plugins are (one more process).
  const std::vector<std::string> plugin =
      plan.compiles ? loop_plugin_flags(compiler, libdir) : std::vector<std::string>{};
  if (plan.steps.size() > 1) {
    if (!mkdtemp(tmpl)) {
      std::cerr << "rmacheck: cannot make a temporary directory: " << std::strerror(errno) << "\n";
      return 2;
    }
    temp = tmpl;
  }
  if (!plugin.empty() || !temp.empty()) plan = plan_compile(compiler, args, libdir, temp, plugin);
  int rc = 0;
  for (const auto& step : plan.steps)
    if ((rc = run(step)) != 0) break;
  if (!temp.empty()) {
    for (size_t i = 0; i + 1 < plan.steps.size(); ++i) unlink((temp + "/" + std::to_string(i) + ".o").c_str());
    rmdir(temp.c_str());
  }
  return rc;
}

}  // namespace rmacheck
