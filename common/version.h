// The version every binary reports.
#ifndef PACTO_COMMON_VERSION_H_
#define PACTO_COMMON_VERSION_H_

namespace pacto {

inline constexpr char kPactoVersion[] = "0.1.0";

}  // namespace pacto

#endif  // PACTO_COMMON_VERSION_H_
