"""The fast versions of the engineered ops (conv, pooling, fold): cache-sized chunks, a
thread split over the batch, reused buffers. Each has a short reference twin in its
`minitorch/ops/` module, which a learner should read first; `minitorch.backends.reference`
(MINITORCH_REFERENCE=1) is the one switch between the two."""
