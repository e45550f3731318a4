# The compiled builder's class, for the compiled pipeline to call build()
# without a Python call (bench/bench_url_for.py).
cdef class Builder:
    cdef dict _endpoints
    cdef object _map
    cdef object _adapter_class

    cpdef object build(self, adapter, endpoint, values, method=*, url_scheme=*, force_external=*)
