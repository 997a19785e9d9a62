// node under node.conf: node probe.js INPUT OUTPUT SECRET PORT
// Upper-cases INPUT into OUTPUT (the current directory must be writable),
// then reports whether SECRET (a file in the real home) can be read and
// whether 127.0.0.1:PORT (a server on the host's loopback) can be reached.
'use strict';
const fs = require('fs');
const net = require('net');

const [inp, out, secret, port] = process.argv.slice(2);
const text = fs.readFileSync(inp, 'utf8');
fs.writeFileSync(out, text.toUpperCase());
console.log(`words=${text.split(/\s+/).filter(Boolean).length}`);
try {
  fs.readFileSync(secret, 'utf8');
  console.log('secret=readable');
} catch (e) {
  console.log(`secret=${e.code}`);
}
const sock = net.connect({ host: '127.0.0.1', port: Number(port) });
sock.setTimeout(5000);
sock.on('connect', () => { console.log('net=connected'); sock.destroy(); });
sock.on('timeout', () => { console.log('net=timeout'); sock.destroy(); });
sock.on('error', (e) => { console.log(`net=${e.code}`); });
