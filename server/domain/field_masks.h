// Partial updates with google.protobuf.FieldMask (AIP-134).
//
// `*` alone updates every mutable field; an empty mask updates the fields the
// patch populates. A path naming an output-only field (annotated
// `(google.api.field_behavior) = OUTPUT_ONLY`) is ignored, as AIP-161 says, so
// a client may send back a whole resource it read with a mask listing every
// field. A path that names no field, or a field that cannot change
// (IMMUTABLE, IDENTIFIER), is an INVALID_ARGUMENT violation on
// "update_mask.paths[i]".
#pragma once

#include <set>
#include <string>

#include "absl/status/status.h"
#include "google/api/field_behavior.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace podmeta::domain {

// Copies the masked fields of `patch` into `target` (same message type).
// Repeated and message fields are replaced, not merged; a masked field the
// patch leaves unset is cleared.
absl::Status ApplyFieldMask(const google::protobuf::Message& patch, const google::protobuf::FieldMask& mask,
                            const std::set<std::string>& mutable_paths, google::protobuf::Message& target);

// Whether a field is annotated with the behavior (google/api/field_behavior.proto).
bool HasFieldBehavior(const google::protobuf::FieldDescriptor& field, google::api::FieldBehavior behavior);

}  // namespace podmeta::domain
