"""Arrays and devices: the lowest layer.

The array namespace of the data (NumPy, CuPy, any array-API library), the
``device`` parameter, checks of arrays that stay on their device, host copies
for pickling and the messages of input errors. It imports no other sknn layer.
"""
