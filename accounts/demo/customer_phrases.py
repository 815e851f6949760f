"""What customers write to us, by intent. Every intent has several paraphrases with
slots ({first}, {am}, {product}, {deliverable}, {issue}, {due}, {amount}, ...), so a
portfolio reads like real correspondence rather than one sentence repeated.

The intents of plainly healthy relationships come first; then one block per behaviour.
``tests/test_seed_demo.py`` checks each intent against the text analysis, so a
paraphrase that stops carrying its cue (or starts carrying a wrong one) is caught.
"""

from __future__ import annotations

INBOUND: dict[str, tuple[str, ...]] = {
    # --- an ordinary relationship ---------------------------------------------------
    "praise": (
        "Thanks for the quick turnaround on the {deliverable}, it was exactly what we needed.",
        "The team loves the new {product}. Great job on the rollout.",
        "Really appreciate how {am} handled the migration. Smooth from start to finish.",
        "Just wanted to say thanks for the excellent training session, everyone came out confident.",
        "Thank you for sorting out our access so fast. Your support has been superb.",
        "The {deliverable} went down very well with our board. Thanks for all the effort.",
        "We're really happy with how the {product} is working for us. Well done to your team.",
        "Big thanks to {am} for the clear explanation yesterday, it saved us hours.",
    ),
    "mild_complaint": (
        "Small problem this morning: {issue}. Could you have a look when you get a chance?",
        "We noticed that {issue}. Not a big deal yet, but we'd like it fixed before month end.",
        "Reporting an issue with the {product}: {issue}. Screenshots attached.",
        "Hi, it seems {issue}. Can someone check?",
    ),
    "decline_offer": (
        "We're not interested in the {addon} at the moment.",
        "We talked it over and we'll pass on the {addon} for now. Our budget is committed.",
        "No thanks, the current plan covers what we need.",
        "We've decided not to add the {addon} this year. Maybe next year.",
        "It's not a priority for us this year, so we'll pass.",
    ),
    "churn_notice": (
        "We've decided to move to another provider when the current term ends. Thanks for everything.",
        "After a long review we won't be renewing. Please let us know what you need for the handover.",
        "I wanted to tell you personally that we are cancelling our subscription at the end of the month.",
        "The board chose a different platform, so we will end the contract at the next renewal date.",
    ),
    "survey_good": (
        "Great support and a product that does what it says.",
        "Very happy overall, the team is responsive and helpful.",
        "Reliable, easy to use, and {am} always follows through.",
        "",
    ),
    "survey_ok": (
        "Does the job. The reporting could be more flexible.",
        "Fine overall, a few rough edges in the {product}.",
        "Okay. Support is decent, setup took longer than planned.",
        "",
    ),
    "survey_bad": (
        "Too many problems and too slow to fix them.",
        "Not satisfied. The {product} keeps causing trouble.",
        "Disappointing year, we expected much more.",
        "",
    ),
    # --- archetypes -----------------------------------------------------------------
    "perfectionist_complaint": (
        "The {deliverable} is not acceptable in its current state. Half the figures are rounded differently from the source data.",
        "We expected better. The {product} release went out with an error in the approval step that your testing should have caught.",
        "This is not up to the standard we agreed. The {deliverable} needs to be redone before it goes to our directors.",
        "I've reviewed the {deliverable} line by line and it falls short: the totals are wrong and the headings are inconsistent with last quarter.",
        "Sorry, but this is below standard. The export you fixed yesterday now drops the currency column, which is not acceptable.",
        "The corrected version is not right either. We expected a finished piece of work, not a draft.",
        "Your fix solved one problem and introduced another. We need this done properly, first time.",
        "The {deliverable} contains errors in three sections. I can't forward something of this quality.",
    ),
    "rework_request": (
        "Please redo the {deliverable} with the corrected source data and send it back for review.",
        "We need the {deliverable} reworked: the structure doesn't match the brief we signed off.",
        "Could your team do the {product} configuration again from the start? The current setup isn't correct.",
        "Please rework the report so every figure ties back to the ledger, then we'll review it again.",
    ),
    "chronic_complaint": (
        "Thanks for the reply, but honestly we're still unhappy. The {product} is just as frustrating as last month.",
        "Another month, another problem. {issue}, and I'm tired of raising the same things.",
        "I appreciate the effort, but nothing has really improved. We remain very disappointed with the service.",
        "Once again {issue}. I'm frustrated that this keeps happening.",
        "The fix didn't make much difference. The whole experience is still poor and my team is fed up.",
        "Not happy, again. Every time one issue is closed, two more appear. It's exhausting.",
        "I know you closed the ticket, but the {product} remains a constant source of trouble for us.",
        "Disappointed yet again. {issue}, and frankly the overall quality has been poor all year.",
        "We're unhappy with how things are going. Slow, unreliable, and a lot of wasted time on our side.",
        "Thanks for looking into it, but I'm afraid we're still dissatisfied. It just doesn't feel like it's getting better.",
    ),
    "nitpick": (
        "Overall the {deliverable} looks good, but there's a typo on page 4: 'recieve'.",
        "The logo in the header is slightly off centre, maybe two pixels to the left.",
        "Minor point: the date format on the {product} uses dashes where we agreed on slashes.",
        "Looks fine generally. One small thing: the table font is slightly different from the body text.",
        "The heading on slide 6 has a trailing full stop that the other headings don't have.",
        "In the {deliverable}, the second decimal place was dropped on two totals. Small detail, but please fix.",
        "Could you change the spacing between the chart and its caption? It's a few pixels tighter than on the other pages.",
        "Nice work on the update. Tiny issue: the button colour is a slightly lighter blue than our brand shade.",
        "Spotted a minor inconsistency: 'e-mail' on one screen and 'email' on the next.",
        "The column headers are capitalised differently in the export. Small thing, but it bothers our analysts.",
    ),
    "gatekeeper_control": (
        "Please do not contact my team directly. Everything goes through me.",
        "I noticed you emailed {other} about the renewal. All communication about this account comes through me, nobody else.",
        "Going forward I'm the single point of contact. Nothing gets decided without my approval.",
        "Don't call our finance people about the invoice. Send it to me and I'll decide what happens.",
        "Keep our staff out of your update emails. Send them to me and I'll pass on what's relevant.",
        "Your consultant went around me to speak with our IT manager. That can't happen again; everything runs through me.",
        "I make all the decisions on this contract. Please route every request via me only.",
    ),
    "gatekeeper_escalation": (
        "I want this escalated to your head of customer success. I expect a call from them, not from the support desk.",
        "Escalating this: I asked for a named senior engineer on our account and I still don't have one.",
        "I'm raising this with your management. Our account needs a director's attention, not a ticket queue.",
        "Please escalate. I will only discuss the roadmap with your VP, not with the account team.",
    ),
    "bargain": (
        "Before we renew, we need a better price. Can you do a 15% discount?",
        "A competitor quoted us much cheaper for the same thing. Can you price match?",
        "Is there any flexibility on the price for the {addon}? It's over our budget.",
        "What's the best price you can give us if we sign for two years?",
        "Your rates went up again. We need you to bring down the price or we'll have to think again.",
        "Can you knock something off the annual fee? We've had a tight year.",
        "We'd take the extra seats if you could give us a special rate on them.",
        "I need a discount on this invoice, the amount is higher than we planned for.",
    ),
    "haggle": (
        "Honestly {amount} is too expensive for what we use. Let's talk about the number.",
        "If you can lower the price a bit we can sign this week.",
        "Other vendors are offering free onboarding. Can you match their price?",
        "We'd like to revisit the pricing before the next invoice.",
        "Can we get a better rate if we pay upfront?",
    ),
    "know_it_all": (
        "You're wrong about the data model. I've been doing this for fifteen years and I know better.",
        "With respect, your recommendation makes no sense for a business like ours. We'll do it my way.",
        "I don't need your team to tell me how to configure the {product}. I know what I'm doing.",
        "Your consultant's advice was wrong. That's not how it works in our industry.",
        "We're ignoring your recommendation on the rollout order. I know better than your playbook.",
        "Do you even understand how our warehouse operates? Your proposal is naive.",
        "You're mistaken about the import limits. I've run this kind of migration many times.",
        "Frankly, I know more about reporting than your so-called experts.",
    ),
    "refusal": (
        "I'm not interested in explanations. Just make it work.",
        "Spare me the technical details. I've heard it all before.",
        "I don't care what your engineers say. The answer is the same as last week.",
        "No more excuses, please. I'm not going to read another long email about why.",
        "Stop explaining and fix it. I don't need a lecture.",
        "I've heard enough about your process. Whatever your explanation is, it doesn't change anything.",
        "Don't bother explaining the root cause again. I already told you what we need.",
    ),
    "victim": (
        "It's not my fault the import failed. Your template was confusing.",
        "We missed our deadline because of you. If your team had answered sooner we'd have been fine.",
        "The wrong prices went out to our customers because of your system. We only uploaded what we had.",
        "This happened because your onboarding never explained that setting. Not our problem.",
        "Our auditor flagged the report, and that's down to your team, not us.",
        "Yes we deleted those records, but your software let us do it. That's on your side.",
        "We lost a client this week and it's your fault. The {product} made us look careless.",
        "The fault lies with your people: the instructions they sent were unclear.",
    ),
    "out_of_contract": (
        "I know the contract doesn't cover weekend support, but we still expect you to pick up.",
        "We'll pay the invoice when we get round to it. The payment terms don't really apply to us.",
        "We're sharing the login with our partner agency so they can help. Please don't make a fuss about it.",
        "Can you make an exception and skip the notice period? We want to reduce seats now.",
        "We need the data migration done. I'm aware it isn't in our agreement, but we need it anyway.",
        "Waive the late fee, please. We're not going to pay penalties on a small delay.",
    ),
    "violation": (
        "Admin credentials were shared with an external contractor against the acceptable use terms.",
        "Customer exceeded the licensed seat count by {n} users and refused to true up.",
        "Their staff called our engineer's personal mobile at 11pm about a routine question, again.",
        "Customer ran a bulk export of another tenant's test data through a shared workspace, against policy.",
        "Usage continued on a module that was removed from the contract at the last renewal.",
        "They connected an unapproved scraping script to the API, well beyond the agreed rate limits.",
        "A second company in their group was given access under this licence without an agreement.",
    ),
    # --- traits ---------------------------------------------------------------------
    "aggressive": (
        "This is a joke. Your team is completely useless and I want someone competent on this NOW!!",
        "Are you people incompetent? Three days and the {product} is still broken.",
        "I'm done being polite. Fix it today or I will make sure everyone knows how bad you are.",
        "What a shambles. If this isn't sorted by Friday our lawyers will be in touch.",
        "Your so-called engineers are clowns. I've never dealt with such a pathetic company.",
        "How dare you close my ticket without asking me. Reopen it immediately.",
        "This is RIDICULOUS. NOBODY on your side has a clue what they are doing!!",
        "Unbelievable. You lot are hopeless and I'm sick of your excuses.",
    ),
    "sarcastic": (
        "Oh great, another outage. Exactly what we needed on a Monday.",
        "Thanks so much for ignoring my last three emails, really helpful.",
        "Only two weeks to answer a simple question. Impressive as always.",
        "Love how the 'fix' you sent broke the export again. Brilliant work.",
        "Wonderful, the dashboard is down again. Truly world-class service.",
        "Oh wonderful, yet another delay. Really impressive work.",
        "Thanks for nothing, I guess. We'll sort it out ourselves as usual.",
        "Fantastic, another price increase. Just what a loyal customer hopes for.",
    ),
    "many_requests": (
        "A few more things for this sprint: an extra field on the order screen, a new export format, and a weekly summary email.",
        "Could you also add a filter for supplier, a bulk edit option, and a second approval level to the {product}?",
        "Next request: we need a custom report for each of our {n} regions, plus one combined view.",
        "Another one for the list: please set up three new user roles and a separate dashboard for each.",
        "We'd also like the {product} translated into German and French, and the invoices in both languages.",
        "Adding to my earlier list: can we get a sandbox, a staging copy of our data, and a training session for the new hires?",
        "Please also change the email templates, add our new logo everywhere, and update the help pages.",
        "New requests from the ops team: colour coding on the schedule, an SMS alert option, and an export to our ERP.",
        "One more batch of requests: audit trail on every field, a custom landing page, and a monthly call with your product team.",
        "We need an API endpoint for stock levels, a nightly backup to our own storage, and a change log for the {product}.",
    ),
    "inflexible": (
        "We will not change our internal process to fit your tool. The {product} has to work our way, period.",
        "We want no alternatives here; it has to be exactly as specified in our brief.",
        "That workaround is not acceptable to us. No compromise on the approval flow.",
        "We're not open to a phased rollout. It goes live for everyone on the same day, and that's final.",
        "I won't consider a different report layout. Our layout is non-negotiable.",
        "There is no flexibility on this: every field stays where it is, no exceptions.",
        "Your suggested configuration doesn't interest us. We will not budge on our naming scheme.",
    ),
    "impatient": (
        "Still waiting on an answer about the {product}. I need this ASAP.",
        "Any update? I sent this two hours ago and it's urgent.",
        "Hello?? We need a response today, please.",
        "Chasing again: this has to be fixed as soon as possible.",
        "How much longer? I can't wait any longer on this one.",
        "Third reminder today. We need it sorted right now.",
        "Is anyone looking at this? It's urgent and we're still waiting.",
        "I need this by end of day, no later. Please confirm.",
    ),
    "entitled": (
        "As a loyal customer of six years I deserve better than the standard queue.",
        "Given how much we pay you, I expect us to be prioritised over smaller clients.",
        "Customers like us shouldn't have to wait for a release. Put our request first.",
        "We've earned some goodwill. The least you could do is waive the setup fee.",
        "As one of your biggest accounts we expect priority treatment on every ticket.",
        "For what we pay, a dedicated engineer should come as standard. We deserve that.",
        "Do you know who we are? We were one of your very first customers.",
    ),
    "changed_requirements": (
        "Actually, we now want the report grouped by customer instead of by product. Please change it.",
        "Forget what I said last week about the dashboard. We need a completely different layout.",
        "Change of plan: the rollout should start with the Berlin team, not Madrid.",
        "Scratch that, we'd rather keep the old approval flow after all.",
        "New direction from our CEO: the {product} needs to track projects, not orders.",
        "Can you put the export back to the original format? The new one is no longer what we want.",
        "On second thoughts, we'd like monthly invoicing instead of quarterly. And the opposite for the Paris site.",
    ),
    "unreasonable_demand": (
        "I insist you rebuild the entire {product} configuration by tomorrow morning.",
        "We expect your engineers to be available 24/7, including weekends, at no extra cost.",
        "You must add the forecasting module for free. We're not paying more for it.",
        "Redo the whole data migration over the weekend, at the same price. That's what we expect.",
        "I want unlimited changes to the {deliverable} without any extra charge. Make it happen.",
        "While you're at it, build us a custom mobile app as well. I expect it within the current budget.",
    ),
    "unreasonable_request": (
        "Could you migrate our entire archive by tomorrow? We only found the files this morning.",
        "Would it be possible to have someone available at midnight for our stock count? Same price, of course.",
        "Can you throw in the {addon} for free this year?",
        "Could the whole reporting setup be done overnight? The board meets at nine.",
        "Can you also build an integration with our old accounting system? It's outside the scope, but it would really help.",
        "We'd like a complete redesign of the {deliverable} by tomorrow if possible.",
    ),
    # --- early warning signs ----------------------------------------------------------
    "unrealistic": (
        "We expect zero errors from day one. Our staff won't tolerate a single glitch.",
        "Once the {product} is live, every report should be instant and always 100% accurate.",
        "We assumed the migration would take a day with no downtime at all. Please confirm that.",
        "We need you to guarantee 100% uptime and no bugs, ever.",
        "The new system should pay for itself in the first month. That's what we told our board.",
        "We were told every user would be fully trained in a single morning. We expect exactly that.",
        "Results should double within the first quarter; anything less is a failure for us.",
    ),
    "complaint": (
        "We have a problem: {issue}. Can you investigate?",
        "Logging a new issue: {issue}. It's affecting two teams.",
        "{issue} again this week. Please could you look into it?",
        "Raising a complaint about the {product}: {issue}.",
        "We're seeing errors in the {product}: {issue}. Could you check it today?",
        "There's an issue with the last release: {issue}.",
        "Not working as expected: {issue}. Please advise.",
        "Another issue to report: {issue}.",
    ),
    "negative": (
        "Honestly, I'm really disappointed with how this quarter went.",
        "This has been a frustrating experience from start to finish.",
        "I'm unhappy with the way the rollout was handled. It's been stressful for everyone here.",
        "Not a good week. Our team is annoyed and I'm struggling to defend the decision to choose you.",
        "I'm worried and quite upset. The {product} has caused more trouble than it solved.",
        "Sadly the training was a waste of time for most of us. Very disappointing.",
        "We're feeling badly let down. Nothing about this project has gone well.",
        "I hate to say it, but morale around the {product} is terrible at the moment.",
    ),
    "burst": (
        "One more thing about the {product}: the sorting on the main screen.",
        "Also, the export button on the second tab.",
        "And another point: who approved the new colours?",
        "Adding to my previous messages: the user list needs a search box.",
        "Another thing: the weekly email went to the wrong group.",
        "Also need to know why the report layout changed.",
        "And please check the permissions on the finance folder.",
        "Next point: the help link goes to an empty page.",
    ),
    "burst_escalation": (
        "I've sent {n} messages and I'm escalating this to your management now.",
        "Escalating. I want your team lead on a call about all of the points above.",
        "This needs escalation. Please forward my messages to your director.",
        "I'm taking this higher. Someone senior needs to read this thread.",
    ),
    "criticism": (
        "The {deliverable} was sloppy. Careless formatting and several wrong numbers.",
        "Your last release was poorly tested. Mediocre work, to be frank.",
        "The training material is amateurish and out of date.",
        "The {product} update made things worse. Poor design decisions throughout.",
        "The quality of your documentation is poor. Half the screenshots are wrong.",
        "Your team's handover notes were incomplete and confusing.",
        "The new dashboard is a step backwards: cluttered and slow.",
    ),
    "hard_negotiation": (
        "Our final offer for the renewal is {amount}. Take it or leave it.",
        "The termination clause is non-negotiable for us. Either it's 30 days or we don't sign.",
        "We will not accept any price increase this year, and that's final.",
        "Payment terms of 90 days, no exceptions. That's our standard and we won't move on it.",
        "There's no flexibility on the liability cap. Sign it as we sent it.",
        "We are not willing to discuss the minimum term. Twelve months, end of discussion.",
        "That is our best and final position on the contract. We won't compromise.",
    ),
    # --- reactions to vendor-side behaviour -----------------------------------------
    "repeat_no": (
        "We already said no to the {addon}. Please stop sending offers.",
        "As I mentioned, we're not interested. The answer is no.",
        "I said no last month. Please remove us from this campaign.",
        "No means no. We'll get in touch if that changes.",
    ),
    "commitment_chaser": (
        "You said you'd send the {deliverable} by {due}. Did I miss it?",
        "Checking on the {deliverable} {am} promised for last week. I haven't seen it.",
        "We were expecting the {deliverable} on {due}. When can we have it?",
        "Was the {deliverable} sent? It was due a while ago.",
    ),
    "unanswered_chaser": (
        "Just checking my email from last week reached you.",
        "Hi, did my message about the {product} get through?",
        "Following up on my question from the other day. Is there someone else I should ask?",
        "Not sure my earlier email arrived. Could you confirm?",
    ),
}

#: Ordinary questions and news, each with the answers that fit it, so a reply always
#: answers the message it responds to.
CONVERSATIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "question": (
        (
            "Quick question about the {product}: can we give read-only access to our auditors?",
            (
                "Yes. Under Settings > Roles there's a read-only role; I've added a short guide below for you.",
                "Good question. I've created a read-only auditor role on your account so you can assign it straight from the user list.",
            ),
        ),
        (
            "Could you show us how to schedule the {product} export so it goes out on the first of each month?",
            (
                "Sure. It's under Reports > Scheduled; I've set up the first run for you on the 1st.",
                "Happy to. I've recorded a two-minute walkthrough for you and switched the schedule on.",
            ),
        ),
        (
            "We're adding {n} people to the team next month. What's the easiest way to set them up?",
            (
                "The bulk invite is the quickest: upload a CSV of names and emails and they'll each get a welcome mail.",
                "Send me the list whenever you're ready and I'll set them up for you with the right roles.",
            ),
        ),
        (
            "Is there a way to filter the {product} by region? I couldn't find it in the settings.",
            (
                "There is, it's hidden under the funnel icon at the top right. I've saved a region filter in your workspace.",
                "Yes, click 'Add filter' and choose Region. I've put a screenshot below for your team.",
            ),
        ),
        (
            "Can you send me a copy of the {deliverable} from last quarter? Our board wants to compare.",
            (
                "Attached. I've also added this quarter's figures alongside so your board can compare directly.",
                "Here it is. Let me know if your board would prefer it as a PDF.",
            ),
        ),
        (
            "Would it be possible to move our training session to {due}? Half the team is off this week.",
            (
                "Of course, I've moved it to {due}. Your team will get an updated invitation today.",
                "No problem, done. Same time, new date, and the recording from last time is in your portal.",
            ),
        ),
        (
            "How do we connect the {product} to our warehouse system? Is there documentation somewhere?",
            (
                "Here's the integration guide, with the two settings that matter for your warehouse highlighted.",
                "There is. I've sent you the guide and can join a call with your IT team if that helps.",
            ),
        ),
        (
            "Could someone walk {other} through the {product}? {other} takes over the admin role next week.",
            (
                "Gladly. I've booked an hour with {other} on {due} and set up the admin rights already.",
                "Of course. I'll run a short admin session for {other} and send the checklist afterwards.",
            ),
        ),
        (
            "Do you have an example of the {deliverable} we could reuse for our other site?",
            (
                "Yes, I've shared a clean copy in your folder. It should work for your other site as is.",
                "I've put together a version without your site-specific data so you can reuse it straight away.",
            ),
        ),
        (
            "What's the best way to archive old projects without losing the history?",
            (
                "Archive them from the project list: they disappear from your views but the history stays searchable.",
                "Use 'Archive' rather than 'Delete'; your history is kept and you can restore a project any time.",
            ),
        ),
        (
            "Can we get a short call to go through the new permissions? Nothing urgent, whenever suits.",
            (
                "Sure, I've sent you an invitation for {due}. Move it if it doesn't suit.",
                "Happy to. How about {due}? I'll bring a one-page summary of the changes.",
            ),
        ),
    ),
    "update": (
        (
            "Just so you know, {other} is now our main contact for billing questions.",
            ("Thanks for letting me know. I've updated your account so invoices go to {other}.",),
        ),
        (
            "FYI we moved to the new office, so please update the delivery address on the account.",
            ("Done, the new address is on your account. Hope the move went smoothly.",),
        ),
        (
            "We rolled the {product} out to the second team this week. So far so good.",
            (
                "Good to hear the rollout is going well. Let me know if the second team needs a session.",
            ),
        ),
        (
            "Our financial year ends in March, so the budget conversation will happen in February.",
            (
                "Thanks, noted. I'll get in touch in January so you have everything you need for it.",
            ),
        ),
        (
            "Sharing the notes from our internal review of the {deliverable}; happy to discuss any time.",
            (
                "Thank you for sharing these. I've read them and will suggest a time to go through them together.",
            ),
        ),
        (
            "We're planning to open a site in Lyon later this year and will need the {product} there too.",
            (
                "That's exciting news. Let's plan what you'll need there; I'll send a short checklist.",
            ),
        ),
        (
            "Heads-up: I'm on holiday from {due} for two weeks. {other} covers for me.",
            ("Thanks for the heads-up. Enjoy your break, and I'll keep {other} in the loop.",),
        ),
    ),
}
for _intent, _pairs in CONVERSATIONS.items():
    INBOUND[_intent] = tuple(message for message, _ in _pairs)

# Survey comments are free text attached to a score; empty text is common.
SURVEY_INTENTS = ("survey_good", "survey_ok", "survey_bad")
