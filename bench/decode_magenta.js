// decode_magenta.js: time @magenta/sketch (TensorFlow.js CPU backend)
// sampling sketches from a pretrained model the way its demos do: from the
// start token, getPDF(state, tau) and sample() per row, until the end pen
// state or max_seq_len rows.  Prints drawings, rows and seconds.
//
// Usage: node decode_magenta.js MODEL.gen.json COUNT TAU
// (run with NODE_PATH pointing at tests/magenta/node_modules).
'use strict';
const fs = require('fs');
const tf = require('@tensorflow/tfjs-core');
const { SketchRNN } = require('@magenta/sketch');

const [file, count, tau] = [process.argv[2], +process.argv[3], +process.argv[4]];
const j = JSON.parse(fs.readFileSync(file, 'latin1'));
const m = new SketchRNN(file);
m.instantiateFromJSON(j[0], j[1], j[2]);
tf.setBackend('cpu');
let rows = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
	let state = m.update(m.zeroInput(), m.zeroState());
	for (let n = 0; n < j[0].max_seq_len; n++) {
		const st = m.sample(m.getPDF(state, tau));
		rows++;
		if (st[4] === 1)
			break;
		state = m.update(st, state);
	}
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`${count} ${rows} ${s}`);
