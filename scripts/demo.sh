#!/usr/bin/env bash
# The main job: install (tracuu + [api], no torch), index corpus/ with the default encoder (tracuu-e5, inside the package), answer a question.
# Extra arguments replace the sample question.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1   # nothing is downloaded at run time: the default model (tracuu-e5) is inside the package
tracuu build corpus/ --index index/default
# A question Nghị quyết Đại hội XIII answers ("Tuổi thọ trung bình đạt khoảng 74,5 tuổi").
question=${*:-"Tuổi thọ trung bình đến năm 2025 đạt bao nhiêu tuổi?"}
echo
echo "Câu hỏi: $question"
tracuu ask "$question" --index index/default
