// The diagnosis of a run from its results folder, and the "diagnosis" key of its
// summary.json.
#pragma once

#include "common/expected.h"
#include "diagnosis/diagnosis.h"
#include "diagnosis/results_folder.h"

#include <string>

namespace cmslab::diagnosis {

// Healthy when every stage of the join is ok; Fault with the root cause when a rule
// explains the first failed stage; Undetermined with what the run shows otherwise.
Diagnosis Diagnose(const ResultsFolder& folder);

// Errors: the folder is unusable (see ResultsFolder::Open).
Expected<Diagnosis> DiagnoseFolder(const std::string& dir);

// Diagnoses the folder and writes the result into its summary.json as "diagnosis" (other
// keys and their order are kept; written through a temporary file).
Expected<Diagnosis> WriteDiagnosis(const std::string& dir);

} // namespace cmslab::diagnosis
