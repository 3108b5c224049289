// SPDX-License-Identifier: ISC
// bench/peer.js: the Node peer hotlined is measured against. The same
// small menu as the sample's (conf/menus/main.json: a 3-level Information
// tree and the callback questions) built with ussd-menu-builder, served
// in the Africa's Talking format (a form POST, a CON/END text/plain
// reply) on Node's http module. The route is the AT text ("2*1*2"),
// resolved from the start state on every hop as the library does; an
// intake that reaches its end is kept in memory only (nothing durable).
// Not a test: bench/run starts it with NODE_PATH set to the directory
// where it installed ussd-menu-builder.
// Usage: node bench/peer.js   (prints "port N" once listening on
// 127.0.0.1, a free port; TERM or INT stops it)
'use strict';
const http = require('http');
const UssdMenu = require('ussd-menu-builder');

const menu = new UssdMenu();
const requests = new Map();
const back = '\n0. ថយក្រោយ';

// A state that shows text and goes on by the keys in next; 99 leaves.
function screen(name, text, next) {
	next['99'] = 'exit';
	menu.state(name, { run: () => menu.con(text), next: next });
}

// A map of each key in keys to the state name.
function keys(list, name) {
	const next = {};
	for (const k of list)
		next[k] = name;
	return next;
}

menu.startState({
	run: () => menu.con('សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n' +
	    '2. សុំឱ្យហៅមកវិញ\n3. ព័ត៌មាន\n4. English\n99. ចាកចេញ'),
	next: { '1': 'danger', '2': 'cb_safe', '3': 'info', '99': 'exit' }
});
menu.state('exit', { run: () => menu.end('អរគុណ។') });
menu.state('danger', {
	run: () => menu.end('ប៉ូលិស 117\nពន្លត់អគ្គិភ័យ 118\n' +
	    'រថយន្តសង្គ្រោះ 119\nជំនួយកុមារ 1280')
});
screen('info', 'ព័ត៌មាន\n1. សុវត្ថិភាព\n2. សិទ្ធិរបស់អ្នក\n' +
    '3. សេវាជំនួយ' + back, { '1': 'safe', '2': 'rights', '3': 'services' });
screen('safe', 'សុវត្ថិភាព\n1. លេខ និងឯកសារ\n2. កន្លែងទៅ\n' +
    '3. សញ្ញាសម្ងាត់\n4. ទូរស័ព្ទ' + back, keys(['1', '2', '3', '4'], 'leaf'));
screen('rights', 'សិទ្ធិរបស់អ្នក\n1. ច្បាប់\n2. កិច្ចការពារ\n' +
    '3. ការសម្រុះសម្រួល\n4. មេធាវី' + back,
    keys(['1', '2', '3', '4'], 'leaf'));
screen('services', 'សេវាជំនួយ\n1. ភ្នំពេញ\n2. បាត់ដំបង\n3. សៀមរាប\n' +
    '4. កំពង់ចាម\n5. ខេត្តផ្សេង' + back,
    keys(['1', '2', '3', '4', '5'], 'leaf'));
screen('leaf', 'អំពើហិង្សាក្នុងគ្រួសារជាបទល្មើស។ ' +
    'ច្បាប់ឆ្នាំ២០០៥ ការពារអ្នក និងកូនៗ។' + back, {});
screen('cb_safe', 'តើហៅលេខនេះមានសុវត្ថិភាពទេ?\n1. បាន\n2. លេខផ្សេង\n' +
    '3. គ្មានលេខសុវត្ថិភាព' + back,
    { '1': 'cb_danger', '2': 'cb_number', '3': 'cb_nosafe' });
menu.state('cb_nosafe', {
	run: () => menu.end('We cannot call you back. Police 117.')
});
screen('cb_number', 'សូមវាយលេខដែលយើងអាចហៅដោយសុវត្ថិភាព' + back,
    { '*^0[1-9][0-9]{7,8}$': 'cb_number_ok' });
menu.state('cb_number_ok', {
	run: (state) => {
		const n = state.val;
		menu.con(n.slice(0, 3) + ' ' + n.slice(3, 6) + ' ' +
		    n.slice(6) + '\nត្រឹមត្រូវទេ?\n1. ត្រឹមត្រូវ\n2. ប្ដូរ' +
		    back);
	},
	next: { '1': 'cb_danger', '2': 'cb_number', '99': 'exit' }
});
screen('cb_danger', 'តើអ្នកកំពុងមានគ្រោះថ្នាក់ឥឡូវនេះទេ?\n1. មាន\n' +
    '2. មិនមាន' + back, { '1': 'cb_when', '2': 'cb_when' });
// The request exists from the danger answer on, as in the sample.
menu.state('cb_when', {
	run: () => {
		requests.set(menu.args.sessionId, {
		    phone: menu.args.phoneNumber, route: menu.args.text });
		menu.con('ហៅពេលណាមានសុវត្ថិភាព?\n1. ឥឡូវ\n2. ព្រឹក 8-12\n' +
		    '3. រសៀល 12-5\n4. ល្ងាច 5-9' + back);
	},
	next: Object.assign(keys(['1', '2', '3', '4'], 'cb_cover'),
	    { '99': 'exit' })
});
screen('cb_cover', 'បើអ្នកផ្សេងលើក យើងនិយាយអ្វី?\n1. ខុសលេខ\n' +
    '2. ស្ទង់មតិសុខភាព\n3. មិត្តហៅមក' + back,
    keys(['1', '2', '3'], 'cb_province'));
screen('cb_province', 'តើអ្នកនៅរាជធានី/ខេត្តណា?\n1. មិនចង់ប្រាប់\n' +
    '2. ភ្នំពេញ\n98. បន្ទាប់' + back, { '*^([1-9]|1[0-9]|2[0-6])$': 'done' });
menu.state('done', {
	run: () => {
		const r = requests.get(menu.args.sessionId);
		if (r !== undefined)
			r.route = menu.args.text;
		menu.end('អ្នកប្រឹក្សានឹងហៅមកអ្នកវិញ ថ្ងៃនេះ មុនម៉ោង 9 យប់។ ' +
		    'អរគុណ។');
	}
});

const server = http.createServer((req, res) => {
	const chunks = [];

	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const body = Buffer.concat(chunks).toString();
		const form = new URLSearchParams(body);
		const args = {
			sessionId: form.get('sessionId'),
			serviceCode: form.get('serviceCode'),
			phoneNumber: form.get('phoneNumber'),
			text: form.get('text')
		};
		if (req.method !== 'POST' || args.sessionId === null ||
		    args.text === null) {
			res.writeHead(400);
			res.end();
			return;
		}
		menu.run(args, (reply) => {
			res.writeHead(200, {
				'Content-Type': 'text/plain; charset=utf-8',
				'Cache-Control': 'no-store'
			});
			res.end(reply);
		});
	});
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
	console.log('port ' + server.address().port);
});
for (const sig of ['SIGTERM', 'SIGINT'])
	process.on(sig, () => process.exit(0));
