import zlib from 'node:zlib';

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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

// A 16-bit grey PNG of a side×side map (row 0 = bottom, as galmass stores maps) whose grey
// levels are proportional to the values (linear, max → 65535), as a Buffer.
export function png16(side, data) {
  const max = data.reduce((a, b) => Math.max(a, b), 0);
  const raw = Buffer.alloc(side * (1 + 2 * side));
  for (let y = 0; y < side; y++) {
    const row = side - 1 - y;
    const off = y * (1 + 2 * side);
    raw[off] = 0; // filter: none
    for (let x = 0; x < side; x++) {
      raw.writeUInt16BE(Math.round((data[row * side + x] / max) * 65535), off + 1 + 2 * x);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 16; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Reads a little-endian float32 NPY file (format 1.x or 2.x, C order): { shape, data }.
export function parseNpy(buf) {
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not an NPY file');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12);
  const header = buf.toString('latin1', start, start + hlen);
  if (!header.includes("'<f4'")) throw new Error(`NPY dtype is not <f4: ${header}`);
  const shape = [...header.match(/'shape': \(([^)]*)\)/)[1].matchAll(/\d+/g)].map((m) => Number(m[0]));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(start + hlen + 4 * i);
  return { shape, data };
}
