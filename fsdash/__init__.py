"""fsdash: the performance dashboard for a council's Family Safeguarding Service."""

import numpy  # noqa: F401  (loaded first, so that the limit below reaches its BLAS)
from threadpoolctl import threadpool_limits

# numpy's linear algebra on one thread, for the whole process. fsdash's matrices are small (the
# suppression rule's SVDs are about 150 by 100), and on a busy server a BLAS thread pool spinning
# against other sessions and DuckDB made each SVD hundreds of times slower.
threadpool_limits(1, user_api="blas")
