// The small registry every request-fuzzing iteration starts from, and that the seed
// corpus refers to: regions BO > LPZ, a pact, a federation and a sindicato chained by
// affiliation, two members of the sindicato, an officer term and a formation record.
// Ids are deterministic (ResetFuzzIds), so seeds can name them.
#ifndef PACTO_TESTS_FUZZ_SAMPLE_REGISTRY_H_
#define PACTO_TESTS_FUZZ_SAMPLE_REGISTRY_H_

#include <string>

#include "node/registry/registry.h"

namespace pacto {

struct SampleIds {
  std::string pact;        // chapter, level pact, region BO
  std::string federation;  // chapter, level federation, region LPZ, under the pact
  std::string sindicato;   // chapter, level sindicato, region LPZ, under the federation
  std::string ana;         // Ana's membership of the sindicato (enrolled with a national id)
  std::string juan;        // Juan's membership of the sindicato (no national id)
  std::string ana_person;
};

// Writes the sample into an empty `registry`, resetting the id generator first.
// Aborts when a write fails (a broken fuzzer, not a finding).
SampleIds WriteSampleRegistry(Registry& registry);

}  // namespace pacto

#endif  // PACTO_TESTS_FUZZ_SAMPLE_REGISTRY_H_
