package chatbot.client;

import java.util.List;

/**
 * The XML that SetAutoReply's envelope carries: one FAQ entry (skill, standard question, answer,
 * similar questions), upserted by skill and title for the manager {@code managerid}. Every value
 * goes into CDATA, a {@code ]]>} inside it split across two sections, so any text survives.
 *
 * <pre>{@code
 * String xml = AutoReply.xml(managerid, "售后", "怎么申请退款", "在订单详情页点击“申请退款”即可。", List.of("退款怎么申请"));
 * String encrypt = new Envelope(aesKey, appid).encrypt(xml);
 * }</pre>
 */
public final class AutoReply {
    private AutoReply() {}

    public static String xml(String managerid, String skill, String title, String content, List<String> questions) {
        StringBuilder xml = new StringBuilder("<xml>");
        xml.append(cdata("managerid", managerid)).append(cdata("skillname", skill))
                .append(cdata("title", title)).append(cdata("content", content)).append("<list>");
        for (String question : questions) {
            xml.append(cdata("question", question));
        }
        return xml.append("</list></xml>").toString();
    }

    /** {@code <tag><![CDATA[text]]></tag>}, with each {@code ]]>} of text split across two sections. */
    public static String cdata(String tag, String text) {
        return "<" + tag + "><![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]></" + tag + ">";
    }
}
