// Which chains the views show, from the MethodInfo alone.
#include "shown_chains.h"

#include <gtest/gtest.h>

namespace {

ebm::ChainSpec chain(const char* name, bool dataSpace, bool decodes, bool ladder) {
  ebm::ChainSpec c;
  c.name = name;
  c.dataSpace = dataSpace;
  c.decodes = decodes;
  c.ladder = ladder;
  return c;
}

TEST(ShownChains, DataAndLatentChains) {
  ebm::MethodInfo info;
  info.chains = {chain("x", true, false, false), chain("z", false, true, false)};
  const auto s = ebm::ui::shownChains(info);
  EXPECT_EQ(s.data, "x");
  EXPECT_EQ(s.latent, "z");
  EXPECT_EQ(s.ladder, "");
}

TEST(ShownChains, ALadderFromNoiseToDataComesFirst) {
  ebm::MethodInfo info;
  info.chains = {chain("level", true, false, false), chain("sample", true, false, true)};
  const auto s = ebm::ui::shownChains(info);
  EXPECT_EQ(s.data, "sample");
  EXPECT_EQ(s.latent, "");
  EXPECT_EQ(s.ladder, "sample");
}

} // namespace
