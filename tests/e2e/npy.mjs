// A little-endian float32 NPY file (C order) of `shape` from `data`, as a Buffer.
export function npy(shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const buf = Buffer.alloc(10 + header.length + data.length * 4);
  Buffer.from('\x93NUMPY\x01\x00', 'latin1').copy(buf, 0);
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, 10, 'latin1');
  data.forEach((v, i) => buf.writeFloatLE(v, 10 + header.length + 4 * i));
  return buf;
}
