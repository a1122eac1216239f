// rmacheck mpicc's compile plan (analyzer/cli/compile.cpp): where the loop plugin's flags go.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/compile.h"

namespace rmacheck {
namespace {

const std::vector<std::string> kPlugin = {"-fplugin=/lib/rmacheck_loop_ranges.so"};

bool has(const std::vector<std::string>& step, const std::string& arg) {
  return std::find(step.begin(), step.end(), arg) != step.end();
}

TEST(CompilePlan, PluginFlagsGoIntoACompileOnlyStep) {
  const CompilePlan plan = plan_compile("mpicc", {"-O2", "-c", "a.c", "-o", "a.o"}, "/lib", "", kPlugin);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_TRUE(plan.compiles);
  EXPECT_TRUE(has(plan.steps[0], kPlugin[0]));
  EXPECT_TRUE(has(plan.steps[0], "-fsanitize=thread"));
}

TEST(CompilePlan, PluginFlagsGoIntoEachCompileStepNotTheLink) {
  const CompilePlan plan = plan_compile("mpicc", {"-O2", "a.c", "b.c", "-o", "app", "-lm"}, "/lib", "/tmp/t", kPlugin);
  ASSERT_EQ(plan.steps.size(), 3u);  // a.c, b.c, then the link
  EXPECT_TRUE(has(plan.steps[0], kPlugin[0]));
  EXPECT_TRUE(has(plan.steps[1], kPlugin[0]));
  EXPECT_FALSE(has(plan.steps[2], kPlugin[0]));
  EXPECT_TRUE(has(plan.steps[2], "/tmp/t/0.o"));
}

TEST(CompilePlan, NoPluginFlagsInALinkOrAQuery) {
  const CompilePlan link = plan_compile("mpicc", {"a.o", "-o", "app"}, "/lib", "", kPlugin);
  ASSERT_EQ(link.steps.size(), 1u);
  EXPECT_FALSE(link.compiles);
  EXPECT_FALSE(has(link.steps[0], kPlugin[0]));
  const CompilePlan query = plan_compile("mpicc", {"--version"}, "/lib", "", kPlugin);
  EXPECT_TRUE(query.passthrough);
  EXPECT_FALSE(query.compiles);
  EXPECT_FALSE(has(query.steps[0], kPlugin[0]));
}

TEST(CompilePlan, WithoutPluginFlagsNoPlugin) {
  const CompilePlan plan = plan_compile("mpicc", {"-O2", "-c", "a.c"}, "/lib", "");
  ASSERT_EQ(plan.steps.size(), 1u);
  for (const std::string& arg : plan.steps[0]) EXPECT_EQ(arg.rfind("-fplugin", 0), std::string::npos) << arg;
}

}  // namespace
}  // namespace rmacheck
