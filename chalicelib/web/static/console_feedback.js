/* Officer console: feedback (phản ánh, kiến nghị) to classify, assign, forward, answer, publish.
   Only the actions the API lists in allowed_actions are offered. */
(function () {
  'use strict';
  if (!DVC.officerCall) return;
  var h = DVC.h;
  var call = DVC.officerCall;
  var box = document.getElementById('officer-feedback');
  var detail = document.getElementById('feedback-detail');
  var message = document.getElementById('feedback-message');
  var more = document.getElementById('feedback-more');
  var status = document.getElementById('f-fb-status');
  var agencies = JSON.parse(document.getElementById('agencies-data').textContent);
  var params = new URLSearchParams(location.search);
  status.value = params.get('status') || '';
  var next = null;
  var LABELS = { classify: 'Phân loại', assign: 'Giao cán bộ xử lý', forward: 'Chuyển cơ quan có thẩm quyền', answer: 'Trả lời', publish: 'Công khai câu trả lời', close: 'Kết thúc' };
  var CLASSES = [['within_competence', 'Thuộc thẩm quyền, tiếp nhận xử lý'], ['other_agency', 'Thuộc thẩm quyền cơ quan khác'], ['not_accepted', 'Không đủ điều kiện tiếp nhận']];
  var FIELDS = {
    classify: [['classification', 'Phân loại', 'class', true], ['note', 'Ghi chú', 'textarea']],
    assign: [['assignee', 'Mã cán bộ được giao', 'text', true]],
    forward: [['agency', 'Cơ quan nhận', 'agency'], ['external_agency', 'Hoặc cơ quan ngoài hệ thống', 'text'], ['note', 'Ghi chú', 'textarea']],
    answer: [['answer', 'Nội dung trả lời', 'textarea', true]],
    publish: [['note', 'Ghi chú', 'textarea']],
    close: [['note', 'Ghi chú', 'textarea']],
  };
  var tbody = h('tbody');
  DVC.add(box, h('table', {}, h('caption', { class: 'sr-only', text: 'Phản ánh, kiến nghị' }),
    h('thead', {}, h('tr', {}, ['Tiêu đề', 'Lĩnh vực', 'Ngày nhận', 'Hạn', 'Trạng thái'].map(function (t) { return h('th', { scope: 'col', text: t }); }))),
    tbody));

  async function load() {
    var q = new URLSearchParams();
    if (status.value) q.set('status', status.value);
    if (next) q.set('page_token', next);
    var answer = await call('GET', '/v1/officer/feedback?' + q.toString());
    if (answer.status !== 200) return DVC.say(message, DVC.message(answer.data), 'error');
    answer.data.items.forEach(function (f) {
      DVC.add(tbody, h('tr', { class: f.overdue ? 'overdue' : null },
        h('td', {}, h('a', { href: '#', text: f.title || f.id, onclick: function (e) { e.preventDefault(); open(f.id); } })),
        h('td', { text: f.category ? f.category.label : '' }),
        h('td', { text: DVC.fmt.datetime(f.received_at) }),
        h('td', { class: 'due', text: DVC.fmt.datetime(f.due_at) }),
        h('td', { text: f.status_label || f.status })));
    });
    if (!tbody.children.length) DVC.say(message, 'Không có phản ánh nào phù hợp.', '');
    next = answer.data.next_page_token;
    more.hidden = !next;
  }

  async function open(id) {
    var answer = await call('GET', '/v1/officer/feedback/' + encodeURIComponent(id));
    if (answer.status !== 200) return DVC.say(message, DVC.message(answer.data), 'error');
    render(answer.data);
  }

  function render(f) {
    detail.textContent = '';
    var sender = f.sender || {};
    DVC.add(detail, 
      h('h2', { id: 'feedback-detail-title', tabindex: '-1', text: f.title || f.id }),
      h('p', {}, 'Trạng thái: ', h('span', { class: 'status', text: f.status_label || f.status })),
      h('p', { text: f.content }),
      h('dl', { class: 'facts' },
        h('div', {}, h('dt', { text: 'Người gửi' }), h('dd', { text: [sender.full_name, sender.phone, sender.email].filter(Boolean).join(' · ') })),
        h('div', {}, h('dt', { text: 'Hạn' }), h('dd', { class: f.overdue ? 'due overdue' : 'due', text: DVC.fmt.datetime(f.due_at) })),
        f.dossier_code ? h('div', {}, h('dt', { text: 'Mã hồ sơ' }), h('dd', { text: f.dossier_code })) : null),
      f.answer ? h('div', { class: 'notice ok' }, h('p', { text: 'Đã trả lời: ' + f.answer.text })) : null);
    var host = h('div');
    DVC.add(detail, h('div', { class: 'actions' }, (f.allowed_actions || []).map(function (name) {
      return h('button', { type: 'button', class: 'btn btn-primary', 'data-action': name, text: LABELS[name] || name, onclick: function () { panel(f, name, host); } });
    })), host);
    if (!(f.allowed_actions || []).length) DVC.add(detail, h('p', { text: 'Vai trò của bạn không có thao tác nào ở bước này.' }));
    detail.hidden = false;
    detail.querySelector('h2').focus();
  }

  function panel(f, name, host) {
    host.textContent = '';
    var form = h('form', { class: 'panel', novalidate: true }, h('h3', { text: LABELS[name] || name }));
    (FIELDS[name] || []).forEach(function (spec) {
      var id = 'f-fba-' + spec[0];
      var attrs = { id: id, name: spec[0], 'aria-describedby': id + '-error' };
      var input = spec[2] === 'textarea' ? h('textarea', Object.assign(attrs, { rows: '4' }))
        : spec[2] === 'class' ? h('select', attrs, h('option', { value: '', text: '— Chọn —' }), CLASSES.map(function (c) { return h('option', { value: c[0], text: c[1] }); }))
        : spec[2] === 'agency' ? h('select', attrs, h('option', { value: '', text: '— Chọn cơ quan —' }), agencies.map(function (a) { return h('option', { value: a.id, text: a.name }); }))
        : h('input', Object.assign(attrs, { type: 'text' }));
      if (spec[0] === 'assignee') input.value = DVC.officerSession.subject;
      DVC.add(form, h('div', { class: 'field', 'data-field': true }, h('label', { for: id, text: spec[1] + (spec[3] ? ' *' : '') }),
        h('p', { class: 'field-error', id: id + '-error', hidden: true }), input));
    });
    var errors = h('div', { role: 'alert', hidden: true });
    DVC.add(form, errors, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Xác nhận: ' + (LABELS[name] || name) })));
    form.addEventListener('submit', async function (e) {
      e.preventDefault();
      DVC.clearErrors(form);
      var body = { action: name, version: f.version };
      var missing = false;
      (FIELDS[name] || []).forEach(function (spec) {
        var el = form.querySelector('[name="' + spec[0] + '"]');
        if (el.value.trim()) body[spec[0]] = el.value.trim();
        else if (spec[3]) { DVC.fieldError(el, spec[1] + ': bắt buộc phải nhập'); missing = true; }
      });
      if (missing) return DVC.say(errors, 'Vui lòng nhập các mục bắt buộc.', 'error');
      var answer = await call('POST', '/v1/officer/feedback/' + encodeURIComponent(f.id) + '/actions', body);
      if (answer.status !== 200) {
        (answer.data.error.details || []).forEach(function (d) {
          var el = form.querySelector('[name="' + d.field + '"]');
          if (el) DVC.fieldError(el, d.message);
        });
        return DVC.say(errors, DVC.message(answer.data), 'error');
      }
      render(answer.data);
      DVC.say(message, 'Đã thực hiện: ' + (LABELS[name] || name) + '.', 'ok');
    });
    DVC.add(host, form);
    form.querySelector('input, select, textarea, button').focus();
  }

  more.addEventListener('click', load);
  load();
})();
