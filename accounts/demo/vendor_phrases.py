"""What we write to customers, by intent. The healthy intents lead with the customer's
problem; the vendor-side intents (pitching after a no, talking about our own policy)
are the ones the vendor-side detectors should catch."""

from __future__ import annotations

OUTBOUND: dict[str, tuple[str, ...]] = {
    # --- replies that keep the customer at the centre -------------------------------
    "reply_praise": (
        "Thank you, that's lovely to hear. I'll pass it on to the team.",
        "Really glad it helped. Let me know what you'd like to tackle next.",
        "Thanks {first}! It was a pleasure working on it with your team.",
        "That means a lot to us, thank you. Shout if anything else comes up.",
    ),
    "reply_complaint": (
        "I'm sorry about this, {first}. I've reproduced it and a fix for your account will be live by tomorrow.",
        "Thanks for flagging it. You were right, and I've corrected your data and added a check so it can't recur.",
        "Sorry for the trouble. I've fixed your export and rerun last night's job so you have complete figures.",
        "Apologies, that shouldn't have happened to you. The fix is in and I'll watch your account closely this week.",
        "I understand how disruptive that is for your team. I've resolved it and credited you for the downtime.",
        "You're right to raise it. I've put the fix on your environment and sent you a short summary of what changed.",
    ),
    "reply_difficult": (
        "I understand, {first}. Let me look into it and come back to you with a clear answer.",
        "Thanks for telling me. I'll review this with the team and suggest next steps for you.",
        "I hear you. Let's get on a call so I can understand exactly what you need.",
        "Understood. I'll check the details and reply properly once I've spoken to the engineers.",
        "Thank you for explaining. I'll take this away and write up options for you.",
        "Noted. I'll get back to you with a plan that works for your team.",
    ),
    "reply_decline": (
        "Understood, thanks for letting me know. No problem at all.",
        "Thanks for the clear answer, {first}. I'll leave it there.",
        "Of course. If your needs change, you know where to find me.",
        "Noted, and thank you for considering it.",
    ),
    "reply_requests": (
        "Thanks, I've logged each of these and will come back with estimates by {due}.",
        "Got it. I've added these to your request list and flagged the first one as your top priority.",
        "Thanks, {first}. Some of these are quick; I'll confirm which ones need a change request.",
        "Understood. I'll update your project plan and share it with you.",
    ),
    "reply_explain": (
        "Here's what happened: the nightly job hit the file size limit on your plan, so we've raised it for you.",
        "The cause was a timeout between your warehouse system and the {product}. I've written up the details below.",
        "I checked your logs: the duplicate records came from two imports running at once. Here's how to avoid it.",
        "Short version: the figures differ because your report uses invoice dates and the dashboard uses payment dates.",
    ),
    "reply_churn": (
        "Thank you for telling us, {first}. I'm sorry to see you go, and I'll make the handover as easy as possible for you.",
        "Understood. Thank you for the years together; I'll send you an export of your data and a handover checklist.",
        "Sorry to hear it, {first}. If you have a moment, I'd value your honest feedback on what we could have done better.",
    ),
    "holding_reply": (
        "Got it, {first}. I'm on it and will update you shortly.",
        "Thanks, I've passed this to an engineer and will keep you posted.",
        "Received. I'm looking at it now.",
        "On it. I'll come back to you once I have the answer.",
    ),
    "reply_slow": (
        "Sorry for the slow reply, {first}. Here's what I found about your question.",
        "Apologies for the delay in getting back to you. I've now looked into it.",
        "Sorry this took a while. I've checked your account and have an answer for you.",
        "Thanks for your patience. I finally have an update on this for you.",
    ),
    "reply_inward": (
        "Our policy requires a ticket for every change, and our team only works from the queue.",
        "As per our process, we require a signed change request before we can do anything.",
        "Under our internal guidelines, we can't prioritise this; our team is at capacity this month.",
        "Our procedures state that we only investigate issues raised through our portal.",
        "We require all complaints to go through our standard process. Our policy doesn't allow exceptions.",
        "Our terms say we handle this in our next release cycle. Our backlog is full until then.",
        "Per our policy, we can't look at this until our internal review is done. We have our own priorities.",
        "Our system doesn't support that, and our guidelines don't allow workarounds.",
    ),
    # --- our own initiative ---------------------------------------------------------
    "checkin": (
        "How are things going with the {product}? Anything we can make easier for you?",
        "Just checking in ahead of month end. Is there anything your team needs from us?",
        "How did the new users get on last week? Happy to run a refresher if it helps.",
        "I saw your team's usage of the {product} went up. Is there anything you'd like to improve?",
        "Quick check-in: any questions from your side before the holidays?",
        "It's been a few weeks since we spoke. How is the {deliverable} working for you?",
    ),
    "qbr_note": (
        "Quarterly review with {first}: adoption up, two open questions on reporting, next review in three months.",
        "Review meeting with {first} and {other}: agreed priorities for next quarter, no blockers.",
        "Met {first} on site. Walked through the roadmap, collected feedback on the {product}.",
        "Business review: usage steady, {first} wants a refresher for new starters.",
    ),
    "commitment": (
        "I'll send you the {deliverable} by {due}.",
        "You'll have the revised {deliverable} from us by {due}.",
        "We'll deliver the {deliverable} on {due}, as agreed on the call.",
        "I'll have the {product} fix deployed to your environment by {due}.",
        "Our team will finish the {deliverable} by {due} and send it straight to you.",
        "I'll get back to you with a full answer by {due}.",
    ),
    "follow_up": (
        "As promised, here is the {deliverable}. Let me know if anything needs changing.",
        "Attached is the {deliverable} we agreed to deliver. Happy to walk you through it.",
        "The fix is now live on your environment, as promised.",
        "Here's the answer I promised, {first}: all set on your side.",
        "Delivered: the {deliverable} is in your shared folder.",
    ),
    "pitch": (
        "I wanted to let you know about our new {addon}. Would you be interested in a short demo?",
        "We're running a special offer on the {addon} this quarter. Would you like to try it?",
        "Given your growth, you might want to upgrade to the premium plan. Could we show you what it adds?",
        "There's a limited-time discount on extra seats this month. Interested in adding a few?",
    ),
    "pitch_again": (
        "Just circling back on our offer for the {addon}. Would you reconsider?",
        "Following up on the {addon} proposal. The special pricing ends this month.",
        "I know you passed last time, but could you give the {addon} a second look?",
        "One more try: we'd love to set up a free trial of the {addon} for your team.",
        "Checking in on the upgrade proposal. Would you be open to a quick demo of the premium plan?",
        "Our exclusive offer on the {addon} is still available for you. Would you like to reconsider?",
    ),
    "outreach": (
        "Could we find 30 minutes to review how the {product} is working for you?",
        "I haven't heard from you in a while. Is everything all right on your side?",
        "Just trying to reach you about your renewal date. What's the best way to talk?",
        "I left you a voicemail earlier. Could you call me back when convenient?",
        "Is there someone else on your team I should talk to about the {product}?",
        "Checking whether my last few emails reached you. A one-line reply is plenty.",
        "We'd like your feedback before planning next quarter. Do you have ten minutes this week?",
        "Your quarterly review is due. Which day works best for you?",
    ),
    "newsletter": (
        "Product news: the {product} now supports scheduled exports. Here's how to switch it on.",
        "A quick tip for your admins: keyboard shortcuts in the {product} save a lot of clicks.",
        "Reminder: the maintenance window is on {due} between 22:00 and 23:00 CET.",
        "Here are the release notes for this month, with the changes that matter for your setup.",
        "Our help centre has a new guide on the {product}. Sharing it in case it's useful.",
        "Your monthly usage summary is ready in the portal.",
    ),
    "overdue_reminder": (
        "A reminder that invoice {invoice} for {amount} was due on {due} and is still open.",
        "Our records show invoice {invoice} ({amount}) as overdue. Could you let us know when to expect payment?",
        "Invoice {invoice} is now past due. Please arrange payment or let me know if there's a problem.",
    ),
    "commitment_apology": (
        "Sorry, {first}, that slipped. I'll follow it up internally.",
        "You're right, it's late. Let me check where it is.",
        "Apologies, it's not ready yet. I'll look into it.",
    ),
}
