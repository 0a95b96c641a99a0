// dashboard.mjs: the replytime dashboard driven through its own pages in
// headless Chromium (playwright-core), as a user would: set the owner's
// password by the one-time link, log out and in, read the overview of
// the demo data and check its numbers against replytime view and
// replytime report, drill into a conversation, change business hours,
// invite a user by mail and join as that user, export CSV, every page on
// a phone-sized screen in dark mode, log out.
// Every page's console errors, page errors and failed requests (HTTP 4xx
// and 5xx too) fail the test.  One screenshot per step.  Prints TAP.
// Started by run.sh, which sets the E2E_* variables.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function need(name) {
	const v = process.env[name];
	if (!v) {
		console.log(`Bail out! ${name} is not set (run tests/e2e/run.sh)`);
		process.exit(1);
	}
	return v;
}
const base = need('E2E_URL');
const setupLink = need('E2E_SETUP_LINK');
const maildir = need('E2E_MAILDIR');
const shots = need('E2E_SHOTS');
const out = need('E2E_OUT');
const db = need('E2E_DB');
const tenant = need('E2E_TENANT');
const nmessages = Number(need('E2E_MESSAGES'));
const rt = need('RT');
const executablePath = need('E2E_CHROMIUM');

// The demo data's month, and a strong password.
const from = '2025-06-01';
const to = '2025-06-30';
const password = 'Tangerine-Orbit-42-Quill';
const ownerEmail = 'boss@acme.example';
const invitee = 'nora.quinn@acme.example';
const inviteRole = 'manager';

// ---- TAP -------------------------------------------------------------------
let n = 0;
let bad = 0;
function ok(cond, name, detail) {
	n++;
	console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
	if (!cond) {
		bad++;
		if (detail !== undefined)
			console.log(String(detail).replace(/^/gm, '# '));
	}
	return cond;
}
function same(got, want, name) {
	const g = JSON.stringify(got);
	const w = JSON.stringify(want);
	return ok(g === w, name, `got:  ${g}\nwant: ${w}`);
}

// ---- What each page does wrong ---------------------------------------------
// Console errors, uncaught exceptions, failed requests and any HTTP
// status of 400 or more, with the page they happened on.
const problems = [];
function watch(page, who) {
	page.on('console', (m) => {
		if (m.type() === 'error')
			problems.push(`${who}: console error at ${page.url()}: ${m.text()} (${m.location().url})`);
		else if (m.type() === 'warning')
			console.log(`# ${who}: console warning at ${page.url()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`${who}: page error at ${page.url()}: ${e.message}`));
	page.on('response', (r) => {
		if (r.status() >= 400)
			problems.push(`${who}: HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
	});
	page.on('requestfailed', (r) => {
		// A form POST answered with an attachment becomes a download:
		// Chromium aborts the navigation, which is not a failure.
		if (r.failure()?.errorText === 'net::ERR_ABORTED' && downloading)
			return;
		problems.push(`${who}: request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`);
	});
}
let downloading = false;

// A step's checks end with this: nothing went wrong on its pages.
let seen = 0;
function clean(step) {
	const fresh = problems.slice(seen);
	seen = problems.length;
	ok(fresh.length === 0, `${step}: no console errors, page errors or failed requests`, fresh.join('\n'));
}

async function shot(page, name) {
	await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

// The page is the layout of the dashboard, styled by its style sheet:
// title, heading, and the style sheet's rules applied.
async function rendered(page, heading) {
	const r = await page.evaluate(() => ({
		title: document.title,
		h1: document.querySelector('h1')?.textContent ?? '',
		sheets: [...document.styleSheets].map((s) => s.cssRules.length),
		font: getComputedStyle(document.body).fontFamily,
		overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1,
		unlabelled: [...document.querySelectorAll('input:not([type="hidden"]), select, textarea')]
		    .filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.name),
		ids: [...document.querySelectorAll('[id]')].map((e) => e.id)
		    .filter((id, i, all) => all.indexOf(id) !== i),
	}));
	return ok(r.h1 === heading && r.title === `${heading} - replytime` &&
	    r.sheets.length === 1 && r.sheets[0] > 10 && r.font.includes('system-ui') && !r.overflow &&
	    r.unlabelled.length === 0 && r.ids.length === 0,
	    `${heading}: rendered with the style sheet, every field labelled, ids unique`, JSON.stringify(r));
}

// Who is logged in, as the header says: "email (role)".
async function whoami(page) {
	const u = page.locator('header .user span');
	return (await u.count()) ? (await u.innerText()).trim() : '';
}

function nav(page, name) {
	return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

async function navTo(page, name, heading) {
	await nav(page, name).click();
	await page.waitForLoadState();
	return rendered(page, heading ?? name);
}

async function fillPassword(page) {
	await page.getByLabel('New password', { exact: true }).fill(password);
	await page.getByLabel('New password again').fill(password);
	await page.getByRole('button', { name: 'Set password' }).click();
	await page.waitForLoadState();
}

// The period form of the overview: from and to, then Show.
async function choosePeriod(page) {
	const f = page.getByRole('form', { name: 'Period' });
	await f.getByLabel('From').fill(from);
	await f.getByLabel('To', { exact: true }).fill(to);
	await f.getByRole('button', { name: 'Show' }).click();
	await page.waitForURL((u) => u.searchParams.get('from') === from && u.searchParams.get('to') === to);
}

// The figures table of an overview: { key: text of "this period" }.
function figuresOf(page) {
	return page.$$eval('table.rt-figures tbody tr', (trs) => Object.fromEntries(
	    trs.map((tr) => [tr.className.replace(/^rt-fig-/, ''), tr.querySelector('td').textContent.trim()])));
}

// ---- The command line's answers for the same tenant -------------------------
function cli(args) {
	return execFileSync(rt, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
}
function viewHtml(page) {
	return cli(['view', '--db', db, '--tenant', tenant, '--page', page, `from=${from}`, `to=${to}`]);
}
function viewJson(page) {
	return JSON.parse(cli(['view', '--db', db, '--tenant', tenant, '--page', page, '--format', 'json',
	    `from=${from}`, `to=${to}`]));
}
function report(period) {
	return JSON.parse(cli(['report', '--db', db, '--tenant', tenant, '--format', 'json',
	    '--from', period.start, '--to', period.end, '--now', period.at]));
}

// The figures replytime view prints for the same period (HTML read by
// the browser, as the page's are).
async function expectedFigures(scratch) {
	await scratch.setContent(viewHtml('overview'));
	return figuresOf(scratch);
}

// Mail that arrived in the sink's Maildir, waiting up to ms for one
// holding re.
async function mailMatching(re, ms) {
	const dir = path.join(maildir, 'new');
	for (const end = Date.now() + ms; Date.now() < end;) {
		for (const f of fs.readdirSync(dir)) {
			const text = fs.readFileSync(path.join(dir, f), 'utf8');
			if (re.test(text))
				return text;
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return null;
}

// RFC 4180 records of a CSV text.
function csvRecords(text) {
	const recs = [];
	let rec = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"')
				quoted = false;
			else
				field += c;
		} else if (c === '"')
			quoted = true;
		else if (c === ',') {
			rec.push(field);
			field = '';
		} else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
			/* The export ends lines in LF, like the CLI's files;
			 * CRLF (RFC 4180) is read as well. */
			rec.push(field);
			recs.push(rec);
			rec = [];
			field = '';
			if (c === '\r')
				i++;
		} else
			field += c;
	}
	if (field !== '' || rec.length)
		recs.push([...rec, field]);
	return recs;
}

// ---- The steps ---------------------------------------------------------------
const browser = await chromium.launch({
	executablePath,
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
	    '--disable-background-networking'],
});
const t0 = Date.now();
try {
	const owner = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
	owner.setDefaultTimeout(30000);
	const page = await owner.newPage();
	watch(page, 'owner');
	const scratch = await owner.newPage();	// for replytime view's HTML

	// 1. The owner's one-time setup link.
	let resp = await page.goto(setupLink);
	ok(resp.status() === 200, 'the setup link opens');
	await rendered(page, 'Set up');
	ok((await page.locator('main').innerText()).includes(ownerEmail), 'it names the owner');
	await shot(page, '01-setup');
	await fillPassword(page);
	ok(new URL(page.url()).pathname === '/', `a password set: on the dashboard (${page.url()})`);
	same(await whoami(page), `${ownerEmail} (owner)`, 'logged in as the owner');
	await rendered(page, 'Overview');
	await shot(page, '02-after-setup');
	clean('setup');

	// 2. Log out, log in.
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.waitForURL((u) => u.pathname === '/login');
	await rendered(page, 'Log in');
	await shot(page, '03-logged-out');
	await page.getByLabel('Organization').fill(tenant);
	await page.getByLabel('Email').fill(ownerEmail);
	await page.getByLabel('Password').fill('not-the-password-at-all');
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForLoadState();
	const alert = page.getByRole('alert');
	ok((await alert.count()) === 1 && new URL(page.url()).pathname === '/login',
	    'a wrong password: an error on the login page');
	await shot(page, '04-login-failed');
	// That answer is a 200 page: nothing counts as failed.
	await page.getByLabel('Organization').fill(tenant);
	await page.getByLabel('Email').fill(ownerEmail);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForURL((u) => u.pathname === '/');
	same(await whoami(page), `${ownerEmail} (owner)`, 'logged in again');
	clean('log out and in');

	// 3. The overview of the demo data's month.
	await navTo(page, 'Overview');
	await choosePeriod(page);
	await rendered(page, 'Overview');
	await shot(page, '05-overview');
	const fig1 = await figuresOf(page);
	const want1 = await expectedFigures(scratch);
	ok(Object.keys(fig1).length >= 16, `the overview shows ${Object.keys(fig1).length} figures`);
	same(fig1, want1, 'every figure equals replytime view for the same period');
	const j1 = viewJson('overview');
	const rep1 = report(j1.period);
	const g1 = rep1.groups[0];
	ok(Number(fig1.replies) > 100 && fig1.replies === String(g1.replies.count),
	    `replies: ${fig1.replies}, as replytime report counts`);
	ok(fig1.received === String(g1.volume.received) && fig1.sent === String(g1.volume.sent),
	    `received ${fig1.received} and sent ${fig1.sent}, as replytime report counts`);
	ok(j1.figures.replies.calendar.median === g1.replies.calendar.median &&
	    j1.figures.replies.business.median === g1.replies.business.median &&
	    /\d/.test(fig1.reply_median) && /\d/.test(fig1.reply_median_business),
	    `medians ${fig1.reply_median} and ${fig1.reply_median_business} (business): the report's`);
	ok(await page.locator('svg.rt-chart').count() === 4, 'four charts');
	const look = await page.evaluate(() => {
		const r = [...document.querySelectorAll('svg.rt-histogram text.rt-axis')].map((t) => t.getBoundingClientRect());
		return {
			bar: getComputedStyle(document.querySelector('svg.rt-histogram .rt-bar')).fill,
			accent: getComputedStyle(document.querySelector('main a')).color,
			labels: r.length,
			overlaps: r.filter((b, i) => i > 0 && b.left < r[i - 1].right).length,
		};
	});
	ok(look.bar === look.accent && look.labels === 11 && look.overlaps === 0,
	    'charts in the style sheet\'s colours, histogram labels apart', JSON.stringify(look));
	clean('overview');

	// Every page of the owner's navigation opens and renders.
	const pages = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
	same(pages, ['Overview', 'Teams and agents', 'Customer domains', 'Awaiting reply', 'Conversations',
	    'Users', 'Settings', 'Mailboxes', 'Audit log', 'Export', 'Delete account'], 'the owner\'s pages');
	const periodPages = pages.slice(0, 5);
	for (const name of pages) {
		await navTo(page, name);
		await shot(page, `05-page-${name.toLowerCase().replace(/\W+/g, '-')}`);
		if (!periodPages.includes(name))
			continue;
		const u = new URL(page.url());
		const pf = page.getByRole('form', { name: 'Period' });
		same([u.searchParams.get('from'), u.searchParams.get('to'), ...(await pf.count() ?
		    [await pf.getByLabel('From').inputValue(), await pf.getByLabel('To', { exact: true }).inputValue()] :
		    [from, to])], [from, to, from, to], `${name}: the period chosen stays`);
		if (name === 'Teams and agents')
			same(await page.locator('tr.rt-all td').first().innerText(), fig1.replies,
			    'the organization\'s replies in the groups table: the overview\'s');
	}
	clean('every page');
	await navTo(page, 'Overview');
	await choosePeriod(page);

	// 4. From a number to its conversations, and into one of them.
	await page.locator('tr.rt-fig-replies td').first().getByRole('link').click();
	await page.waitForURL((u) => u.pathname === '/conversations');
	await rendered(page, 'Conversations');
	const count = (await page.locator('.rt-count').innerText()).match(/^(\d+) in all/);
	ok(count && count[1] === fig1.replies, `the replies behind the number: ${count && count[1]}`);
	const rows = page.locator('table.rt-list tbody tr');
	ok(await rows.count() === Math.min(100, Number(fig1.replies)), 'one page of them listed');
	await shot(page, '06-conversations');
	const first = rows.first();
	const convText = (await first.getByRole('link').first().innerText()).trim();
	const col = (await page.locator('table.rt-list thead th').allInnerTexts()).indexOf('Reply time');
	const replyTime = (await first.locator('td, th').nth(col).innerText()).trim();
	await first.getByRole('link').first().click();
	await page.waitForURL((u) => u.pathname === '/conversation');
	await rendered(page, 'Conversation');
	const id = new URL(page.url()).searchParams.get('id');
	ok((await page.locator('section.rt-conversation h2').innerText()).trim() === `Conversation ${id}` &&
	    convText.includes(id), `conversation ${id} opens`);
	const msgs = page.locator('table.rt-messages tbody tr');
	const nmsgs = await msgs.count();
	const times = await msgs.locator('td:nth-child(5)').allInnerTexts();
	ok(nmsgs >= 2 && times.some((t) => t.startsWith(replyTime)),
	    `its ${nmsgs} messages, one replied in ${replyTime}`, times.join(' | '));
	await shot(page, '07-conversation');
	clean('drill down');

	// 5. Business hours: the business figures change, the calendar ones
	// do not; the page agrees with replytime view under the new hours.
	await navTo(page, 'Settings');
	const hours = page.locator('form').filter({ has: page.getByRole('group', { name: 'Business hours' }) });
	for (const d of ['mon', 'tue', 'wed', 'thu', 'fri'])
		await hours.getByLabel(d, { exact: true }).fill('10:00-12:00');
	await hours.getByRole('button', { name: 'Save' }).click();
	await page.waitForLoadState();
	await rendered(page, 'Settings');
	ok((await page.getByRole('status').allInnerTexts()).some((t) => t.startsWith('Saved.')), 'business hours saved');
	ok(/^mon = 10:00-12:00$/m.test(cli(['settings', 'get', '--db', db, '--tenant', tenant])),
	    'and stored');
	await shot(page, '08-settings-saved');
	await navTo(page, 'Overview');
	await choosePeriod(page);
	await shot(page, '09-overview-new-hours');
	const fig2 = await figuresOf(page);
	same(fig2, await expectedFigures(scratch), 'under the new hours every figure equals replytime view');
	const business = Object.keys(fig1).filter((k) => k.endsWith('_business'));
	const calendar = Object.keys(fig1).filter((k) => !k.endsWith('_business'));
	ok(fig2.reply_median_business !== fig1.reply_median_business,
	    `median reply time, business hours: ${fig1.reply_median_business} -> ${fig2.reply_median_business}`);
	ok(business.filter((k) => fig1[k] !== fig2[k]).length >= 2, 'business figures changed: ' +
	    business.filter((k) => fig1[k] !== fig2[k]).join(', '));
	same(calendar.map((k) => fig2[k]), calendar.map((k) => fig1[k]), 'calendar figures did not change');
	clean('business hours');

	// 6. Invite a user by mail; the invitee joins in another browser.
	await navTo(page, 'Users');
	const invite = page.locator('form[action="/users/invite"]');
	await invite.getByLabel('Email').fill(invitee);
	await invite.getByLabel('Role').selectOption(inviteRole);
	await invite.getByRole('button', { name: 'Invite' }).click();
	await page.waitForLoadState();
	await rendered(page, 'Users');
	const notes = (await page.getByRole('status').allInnerTexts()).join(' ');
	ok(/invitation is sent/.test(notes) && !(await page.content()).includes('invite?t='),
	    'the invitation is mailed, its link not shown', notes);
	ok((await page.locator('table tbody tr', { hasText: invitee }).count()) === 1, 'the invitee is listed');
	await shot(page, '10-invited');
	const mail = await mailMatching(new RegExp(`^To:.*${invitee.replace(/\./g, '\\.')}`, 'mi'), 10000);
	const link = mail && mail.match(/http:\/\/\S+\/invite\?t=[A-Za-z0-9_-]+/);
	ok(link !== null && link[0].startsWith(base), 'the invitation mail holds the link', mail ?? 'no mail');
	clean('invite');
	if (link) {
		const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		other.setDefaultTimeout(30000);
		const p2 = await other.newPage();
		watch(p2, 'invitee');
		resp = await p2.goto(link[0]);
		ok(resp.status() === 200, 'the invitee opens the link');
		await rendered(p2, 'Accept invitation');
		await shot(p2, '11-invitation');
		await fillPassword(p2);
		ok(new URL(p2.url()).pathname === '/', 'a password chosen: on the dashboard');
		same(await whoami(p2), `${invitee} (${inviteRole})`, `logged in as a ${inviteRole}`);
		const links = await p2.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
		ok(links.includes('Overview') && links.includes('Conversations') && !links.includes('Users') &&
		    !links.includes('Settings') && !links.includes('Export'),
		    `the ${inviteRole}'s pages: ${links.join(', ')}`);
		await nav(p2, 'Overview').click();
		await p2.waitForLoadState();
		await choosePeriod(p2);
		same(await figuresOf(p2), fig2, `the ${inviteRole} sees the same figures`);
		await shot(p2, '12-invitee-overview');
		await p2.getByRole('button', { name: 'Log out' }).click();
		await p2.waitForURL((u) => u.pathname === '/login');
		await other.close();
		clean('invitee');
	}

	// 7. Export CSV.
	await navTo(page, 'Export');
	await shot(page, '13-export');
	downloading = true;
	const [dl] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Download messages.csv' }).click(),
	]);
	const csvPath = path.join(out, 'messages.csv');
	await dl.saveAs(csvPath);
	downloading = false;
	ok(dl.suggestedFilename() === 'messages.csv', `downloaded ${dl.suggestedFilename()}`);
	const csv = fs.readFileSync(csvPath, 'utf8');
	const recs = csvRecords(csv);
	same(recs[0], ['seq', 'source', 'position', 'date', 'received', 'from', 'from_name', 'sender', 'to',
	    'cc', 'subject', 'message_id', 'in_reply_to', 'references', 'list_id', 'thread_index'],
	    'the CSV header line');
	ok(recs.length === nmessages + 1 && recs.every((r) => r.length === 16),
	    `${recs.length - 1} rows of 16 fields, one per message`);
	ok(recs.slice(1).every((r) => /^\d{4}-\d\d-\d\dT/.test(r[3]) && r[5].includes('@')),
	    'each row with a date and a sender');
	ok(new URL(page.url()).pathname === '/export', 'the page stays');
	clean('export');

	// 8. On a phone in dark mode: every page fits the screen's width
	// (wide tables scroll inside the page) and the form fields are dark.
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true,
	    hasTouch: true, colorScheme: 'dark' });
	phone.setDefaultTimeout(30000);
	const p3 = await phone.newPage();
	watch(p3, 'phone');
	await p3.goto(base + '/');
	await p3.waitForURL((u) => u.pathname === '/login');
	await p3.getByLabel('Organization').fill(tenant);
	await p3.getByLabel('Email').fill(ownerEmail);
	await p3.getByLabel('Password').fill(password);
	await p3.getByRole('button', { name: 'Log in' }).click();
	await p3.waitForURL((u) => u.pathname === '/');
	await choosePeriod(p3);
	await rendered(p3, 'Overview');
	const dark = await p3.evaluate(() => {
		const lum = (c) => c.match(/\d+/g).slice(0, 3).reduce((a, v) => a + Number(v), 0) / 765;
		return { body: lum(getComputedStyle(document.body).backgroundColor),
		    input: lum(getComputedStyle(document.querySelector('#rt-from')).backgroundColor) };
	});
	ok(dark.body < 0.3 && dark.input < 0.5, 'dark mode: dark page and fields', JSON.stringify(dark));
	await shot(p3, '15-phone-overview');
	for (const name of pages.slice(1))
		await navTo(p3, name);
	await p3.getByRole('button', { name: 'Log out' }).click();
	await p3.waitForURL((u) => u.pathname === '/login');
	await phone.close();
	clean('phone');

	// 9. Log out: the pages are closed.
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.waitForURL((u) => u.pathname === '/login');
	await rendered(page, 'Log in');
	for (const p of ['/settings', `/conversation?id=${id}`, '/overview']) {
		resp = await page.goto(base + p);
		ok(new URL(page.url()).pathname === '/login' && resp.status() === 200,
		    `after logout ${p} leads to the login page`);
	}
	await page.goBack();
	ok(new URL(page.url()).pathname === '/login', 'and so does going back');
	await shot(page, '16-logged-out');
	clean('log out');
} catch (e) {
	ok(false, 'the steps ran to the end', e.stack);
	const pages = browser.contexts().flatMap((c) => c.pages());
	for (const [i, p] of pages.entries())
		await p.screenshot({ path: path.join(shots, `failed-${i}.png`), fullPage: true }).catch(() => {});
} finally {
	await browser.close();
}
ok(problems.length === 0, 'no console errors, page errors or failed requests at all', problems.join('\n'));
console.log(`# ${Math.round((Date.now() - t0) / 100) / 10} s in the browser`);
console.log(`1..${n}`);
process.exit(bad === 0 ? 0 : 1);
