#!/usr/bin/env bash
# Everything issue 6 asks to verify on an NVIDIA GPU, as ONE command for the lent device
# machine (no internet there; its python3 already has torch with CUDA, cupy, numpy, pytest,
# hypothesis, so the project runs from the copied tree):
#
#     bash scripts/gpu_check.sh            # results are written under $OUT (or /tmp/gpu_check)
#
# Steps, each logged to its own file so a failure in one does not hide the others:
#   1. versions and the GPU           -> env.txt
#   2. the test suite, cuda cases included (parity registry, layers, training parity)
#                                     -> tests.txt (pass/skip/fail counts at the end)
#   3. benchmarks/train_step.py --device cuda, seed CNNs at batch 64/256/1024 -> bench.txt
#   4. examples/mnist_cnn.py and reference/mnist_cnn.py --device cuda, 2 epochs on the
#      embedded subset (accuracy and samples/s side by side)            -> mnist_cnn.txt
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=.
OUT=${OUT:-/tmp/gpu_check}
mkdir -p "$OUT"

{ nvidia-smi -L; python3 -c "import cupy, numpy, torch; print('cupy', cupy.__version__, \
'numpy', numpy.__version__, 'torch', torch.__version__, 'cuda', torch.version.cuda)"; } \
    > "$OUT/env.txt" 2>&1

timeout 300 python3 -m pytest -n 8 tests -q -p no:cacheprovider -W ignore --maxfail=50 \
    > "$OUT/tests.txt" 2>&1
tail -3 "$OUT/tests.txt"

for model in mnist_cnn lenet cifar_net; do
  for batch in 64 256 1024; do
    timeout 60 python3 benchmarks/train_step.py --model "$model" --batch "$batch" \
        --device cuda --steps 50 2>&1 | tail -4
  done
done > "$OUT/bench.txt"
cat "$OUT/bench.txt"

for side in examples reference; do
  echo "== $side"
  timeout 120 python3 "$side/mnist_cnn.py" --device cuda --data subset --epochs 2 2>&1 | tail -4
done > "$OUT/mnist_cnn.txt"
cat "$OUT/mnist_cnn.txt"
